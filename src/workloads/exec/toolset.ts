/**
 * Which tools an image ships, and which implementation of each: the same
 * command prints differently in busybox and GNU/Debian images, and a scratch
 * image (whoami) or distroless one (http-echo) has no shell at all. Read from the
 * images' Dockerfiles (agnhost: alpine + bind-tools, curl, netcat-openbsd,
 * iproute2; nginx: Debian with curl; busybox: applets only).
 */

/** The shell behind `/bin/sh`: busybox ash, Debian's dash, bash (RHEL-based images), or none. */
export type ShellFlavour = 'ash' | 'dash' | 'bash' | 'none';

export interface ToolSet {
  readonly shell: ShellFlavour;
  /** cat, ls, rm, touch, date…: busybox applets or GNU coreutils. */
  readonly utils: 'busybox' | 'gnu';
  readonly nslookup: 'busybox' | 'bind' | undefined;
  readonly dig: boolean;
  readonly nc: 'openbsd' | 'busybox' | undefined;
  readonly curl: boolean;
  readonly wget: 'busybox' | undefined;
  readonly ip: boolean;
  /** `ip` is iproute2's (agnhost, netshoot) rather than busybox's applet. */
  readonly iproute2?: boolean;
  /** bash is installed besides `/bin/sh` (Debian/Ubuntu images). */
  readonly bash?: boolean;
  /**
   * Commands the real image ships that netkube does not emulate: running one
   * says so (instead of "not found"), and still nothing runs on the host.
   */
  readonly unemulated?: readonly string[];
  /**
   * The image's own programs (`nginx`, `/usr/sbin/nginx`, `php`, `mysql`…),
   * as a command line names them (bare names on `$PATH`, or exact paths). The
   * catalogue fills this from the image profile; running one is answered by
   * `answer` when netkube knows the exact output, else says it is not emulated.
   */
  readonly programs?: readonly string[];
  /** The exact result of cheap, common invocations of `programs` (`nginx -v`), or undefined. */
  readonly answer?: (argv: readonly string[]) => ProgramAnswer | undefined;
}

/** What one of an image's programs prints and returns, for the few invocations netkube answers exactly. */
export interface ProgramAnswer {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** busybox 1.36 applets netkube does not emulate (the common ones). */
const BUSYBOX_APPLETS: readonly string[] = (
  'arp awk base64 basename chmod chown cmp cp cut dd df diff dirname dmesg du egrep expr ' +
  'fgrep find free grep gunzip gzip head hexdump id ifconfig kill killall less ln md5sum ' +
  'more mount mv netstat nohup od ping ping6 ps pwd readlink realpath route sed seq ' +
  'sha256sum sort stat tail tar tee telnet timeout top tr traceroute traceroute6 umount ' +
  'uname uniq uptime vi watch wc which whoami xargs yes zcat'
).split(' ');

/** GNU coreutils, grep, sed, findutils, tar, gzip, diffutils (Debian/Ubuntu/RHEL bases). */
const GNU_BASE: readonly string[] = (
  'awk base64 basename chmod chown cmp cp cut dd df diff dirname du expr find grep ' +
  'gunzip gzip head id kill ln md5sum mktemp mv nohup od pwd readlink realpath sed seq ' +
  'sha256sum sort stat tac tail tar tee timeout tr uname uniq wc whoami xargs yes zcat'
).split(' ');

/** Debian/Ubuntu base with curl (nginx, php, most language images): dash as sh, bash installed. */
export const DEBIAN_TOOLS: ToolSet = {
  shell: 'dash',
  utils: 'gnu',
  nslookup: undefined,
  dig: false,
  nc: undefined,
  curl: true,
  wget: undefined,
  ip: false,
  bash: true,
  unemulated: GNU_BASE,
};

/** Ubuntu/Debian base images: dash as sh, bash installed, no network tools. */
export const UBUNTU_TOOLS: ToolSet = { ...DEBIAN_TOOLS, curl: false };

/** Debian slim without curl (httpd, redis). */
export const DEBIAN_SLIM_TOOLS: ToolSet = { ...DEBIAN_TOOLS, curl: false };

/** busybox image: every applet, no curl. */
export const BUSYBOX_TOOLS: ToolSet = {
  shell: 'ash',
  utils: 'busybox',
  nslookup: 'busybox',
  dig: false,
  nc: 'busybox',
  curl: false,
  wget: 'busybox',
  ip: true,
  unemulated: BUSYBOX_APPLETS,
};

/** Alpine base: busybox applets (nc and nslookup included), no curl. */
export const ALPINE_TOOLS: ToolSet = BUSYBOX_TOOLS;

/** agnhost (alpine + bind-tools, curl, netcat-openbsd, iproute2). */
export const AGNHOST_TOOLS: ToolSet = {
  shell: 'ash',
  utils: 'busybox',
  nslookup: 'bind',
  dig: true,
  nc: 'openbsd',
  curl: true,
  wget: 'busybox',
  ip: true,
  iproute2: true,
  // bind-tools' host, iproute2's ss and bridge besides the busybox applets.
  unemulated: [...BUSYBOX_APPLETS, 'bridge', 'host', 'ss'],
};

/** Alpine images that add curl (curlimages/curl, nginx:alpine). */
export const ALPINE_CURL_TOOLS: ToolSet = { ...ALPINE_TOOLS, curl: true };

/** A network debugging image (nicolaka/netshoot): everything, bash. */
export const NETSHOOT_TOOLS: ToolSet = {
  ...AGNHOST_TOOLS,
  shell: 'bash',
  unemulated: [
    ...(AGNHOST_TOOLS.unemulated ?? []),
    'arping',
    'conntrack',
    'drill',
    'ethtool',
    'fping',
    'grpcurl',
    'iftop',
    'iperf',
    'iperf3',
    'ipvsadm',
    'iptables',
    'jq',
    'mtr',
    'ngrep',
    'nmap',
    'nft',
    'nping',
    'openssl',
    'socat',
    'strace',
    'tcpdump',
    'tcptraceroute',
    'termshark',
    'tshark',
  ],
};

/** RHEL-family slim images (mysql): bash as /bin/sh, coreutils, nothing networked. */
export const RHEL_TOOLS: ToolSet = { ...DEBIAN_SLIM_TOOLS, shell: 'bash' };

/** scratch/distroless images: no shell, no tools. */
export const NO_TOOLS: ToolSet = {
  shell: 'none',
  utils: 'busybox',
  nslookup: undefined,
  dig: false,
  nc: undefined,
  curl: false,
  wget: undefined,
  ip: false,
};

/**
 * The curl version an image ships: curlimages/curl's tag is curl's version
 * (`curlimages/curl:8.10.1` → `8.10.1`); other images, or a tag that is not a
 * version (`latest`, a digest), get `fallback`.
 */
export function curlVersionFor(image: string | undefined, fallback: string): string {
  if (!image) return fallback;
  const m = /^(?:(?:docker\.io|quay\.io|ghcr\.io)\/)?curlimages\/curl:v?(\d+\.\d+\.\d+)(?:@.*)?$/.exec(
    image.trim(),
  );
  return m?.[1] ?? fallback;
}
