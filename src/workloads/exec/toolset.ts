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
  /** bash is installed besides `/bin/sh` (Debian/Ubuntu images). */
  readonly bash?: boolean;
}

/** Debian/Ubuntu base with curl (nginx, most language images). */
export const DEBIAN_TOOLS: ToolSet = {
  shell: 'dash',
  utils: 'gnu',
  nslookup: undefined,
  dig: false,
  nc: undefined,
  curl: true,
  wget: undefined,
  ip: false,
};

/** Ubuntu/Debian base images: dash as sh, bash installed, no network tools. */
export const UBUNTU_TOOLS: ToolSet = { ...DEBIAN_TOOLS, curl: false, bash: true };

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
};

/** Alpine images that add curl (curlimages/curl, nginx:alpine). */
export const ALPINE_CURL_TOOLS: ToolSet = { ...ALPINE_TOOLS, curl: true };

/** A network debugging image (nicolaka/netshoot): everything, bash. */
export const NETSHOOT_TOOLS: ToolSet = { ...AGNHOST_TOOLS, shell: 'bash' };

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
