/**
 * `ip addr` / `ip route` inside a pod, printed by the CNI part's pure
 * renderers (src/cni/pod-view.ts) over the pod's attachment. The composition
 * root injects an `IpFormatter` that reads the real network model; without
 * one, a pod attached the Calico way (eth0 /32, default via 169.254.1.1, IPIP
 * with MTU 1480) is shown.
 */
import { renderPodIpAddr, renderPodIpRoute, vethNameForWorkload } from '../../../cni/index.js';
import type { CommandImpl, ExecPod, IpFormatter } from '../context.js';

function calicoAttachment(pod: ExecPod) {
  return {
    ip: pod.ip,
    namespace: pod.namespace,
    pod: pod.name,
    node: pod.nodeName,
    veth: vethNameForWorkload(pod.namespace, pod.name),
    hostIfindex: 4,
    mode: 'calico' as const,
    mtu: 1480,
    encapsulation: 'IPIP' as const,
    prefixLength: 32,
    gateway: '169.254.1.1',
  };
}

/** The default pod view when no formatter is injected (Calico, IPIP). */
export const CALICO_POD_IP_FORMATTER: IpFormatter = {
  addr: (pod) => renderPodIpAddr(calicoAttachment(pod)),
  route: (pod) => renderPodIpRoute(calicoAttachment(pod)),
};

/** One interface block of `ip addr`: its header line and the indented lines under it. */
interface IfaceBlock {
  readonly index: string;
  /** `eth0` (without the `@ifN` peer suffix). */
  readonly name: string;
  readonly header: string;
  readonly lines: readonly string[];
}

function parseAddr(text: string): IfaceBlock[] {
  const blocks: Array<{ index: string; name: string; header: string; lines: string[] }> = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^(\d+): ([^:@]+)(?:@[^:]*)?:/.exec(line);
    if (m) blocks.push({ index: m[1] ?? '', name: m[2] ?? '', header: line, lines: [] });
    else blocks.at(-1)?.lines.push(line);
  }
  return blocks;
}

interface IpFlags {
  family: 'inet' | 'inet6' | undefined;
  oneline: boolean;
}

/** What an iproute2 `ip` (agnhost, netshoot) or busybox `ip` prints for errors. */
function ipError(iproute2: boolean, iproute2Text: string, busyboxText: string): string {
  return `${iproute2 ? iproute2Text : `ip: ${busyboxText}`}\n`;
}

/** `ip addr [show] [dev] [DEV]` and `ip link [show] [DEV]`, honouring `-4`/`-6` and `-o`. */
function showInterfaces(
  c: Parameters<CommandImpl>[0],
  text: string,
  flags: IpFlags,
  args: readonly string[],
  links: boolean,
  iproute2: boolean,
): number {
  const rest = args[0] !== undefined && 'show'.startsWith(args[0]) ? args.slice(1) : args;
  const words = rest[0] === 'dev' ? rest.slice(1) : rest;
  const dev = words[0];
  let blocks = parseAddr(text);
  if (dev !== undefined) {
    blocks = blocks.filter((b) => b.name === dev);
    if (blocks.length === 0) {
      c.err(ipError(iproute2, `Device "${dev}" does not exist.`, `can't find device '${dev}'`));
      return 1;
    }
  }
  const out: string[] = [];
  for (const b of blocks) {
    const link = b.lines.filter((l) => /^\s+link\//.test(l));
    // Address lines come in pairs: `inet …` then `valid_lft …`.
    const addrs: Array<[string, string]> = [];
    for (let i = 0; i < b.lines.length; i++) {
      const l = b.lines[i] ?? '';
      if (!/^\s+inet6? /.test(l)) continue;
      const fam = /^\s+inet6 /.test(l) ? 'inet6' : 'inet';
      if (flags.family === undefined || flags.family === fam) addrs.push([l, b.lines[i + 1] ?? '']);
    }
    if (links) {
      out.push(flags.oneline ? `${b.header}\\${link.join('\\')}` : [b.header, ...link].join('\n'));
      continue;
    }
    if (flags.family !== undefined && addrs.length === 0) continue;
    if (flags.oneline) {
      for (const [a, v] of addrs) out.push(`${b.index}: ${b.name}${a}\\${v}`);
      continue;
    }
    out.push([b.header, ...(flags.family === undefined ? link : []), ...addrs.flat()].join('\n'));
  }
  c.out(out.length ? `${out.join('\n')}\n` : '');
  return 0;
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/**
 * `ip route get ADDR`: the route the kernel picks (longest prefix of the
 * pod's table), as iproute2 prints it (`… uid 0` then `    cache`) or busybox
 * (`dev eth0  src …`, no cache line).
 */
function routeGet(
  c: Parameters<CommandImpl>[0],
  table: string,
  args: readonly string[],
  iproute2: boolean,
): number {
  const words = args[0] === 'to' ? args.slice(1) : args;
  const target = words[0];
  if (target === undefined) {
    c.err(
      ipError(
        iproute2,
        'Usage: ip route get [ ROUTE_GET_FLAGS ] ADDRESS\n                            [ from ADDRESS iif STRING ]\n                            [ oif STRING ] [ tos TOS ]\n                            [ mark NUMBER ] [ vrf NAME ]\n                            [ uid NUMBER ] [ ipproto PROTOCOL ]\n                            [ sport NUMBER ] [ dport NUMBER ]\n                            [ as ADDRESS ]',
        'need at least 1 argument',
      ),
    );
    return iproute2 ? 255 : 1;
  }
  const dst = ipv4ToInt(target);
  if (dst === undefined) {
    c.err(
      ipError(
        iproute2,
        `Error: any valid prefix is expected rather than "${target}".`,
        `an inet prefix is expected rather than "${target}"`,
      ),
    );
    return 1;
  }
  const podIp = c.system.pod.ip;
  const print = (kind: string, via: string | undefined, dev: string, src: string) => {
    const head = `${kind}${target}${via ? ` via ${via}` : ''} dev ${dev}`;
    c.out(
      iproute2
        ? `${head} src ${src} uid 0 \n    cache ${kind ? '<local> ' : ''}\n`
        : `${head}  src ${src} \n`,
    );
  };
  if (dst >>> 24 === 127 || target === podIp) {
    print('local ', undefined, 'lo', dst >>> 24 === 127 ? '127.0.0.1' : podIp);
    return 0;
  }
  let best: { len: number; via: string | undefined; dev: string } | undefined;
  for (const line of table.split('\n')) {
    const m = /^(default|[\d.]+)(?:\/(\d+))? (?:via ([\d.]+) )?dev (\S+)/.exec(line);
    if (!m) continue;
    const len = m[1] === 'default' ? 0 : Number(m[2] ?? 32);
    const net = m[1] === 'default' ? 0 : (ipv4ToInt(m[1] ?? '') ?? -1);
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    if ((dst & mask) >>> 0 !== (net & mask) >>> 0) continue;
    if (!best || len > best.len) best = { len, via: m[3], dev: m[4] ?? 'eth0' };
  }
  if (!best) {
    c.err(
      ipError(
        iproute2,
        'RTNETLINK answers: Network is unreachable',
        'RTNETLINK answers: Network is unreachable',
      ),
    );
    return 2;
  }
  print('', best.via, best.dev, podIp);
  return 0;
}

/** Objects of real `ip` that netkube does not emulate. */
const NOT_EMULATED = [
  'neighbour',
  'neighbor',
  'rule',
  'netns',
  'tunnel',
  'maddress',
  'monitor',
  'xfrm',
  'tuntap',
];

export const ip: CommandImpl = (c) => {
  const iproute2 = c.system.tools.iproute2 === true;
  const flags: IpFlags = { family: undefined, oneline: false };
  const all = c.argv.slice(1);
  let i = 0;
  for (; i < all.length; i++) {
    const a = all[i] ?? '';
    if (!a.startsWith('-')) break;
    if (a === '-4') flags.family = 'inet';
    else if (a === '-6') flags.family = 'inet6';
    else if (a === '-o' || a === '-oneline') flags.oneline = true;
    else if (a === '-f' || a === '-family') {
      const f = all[++i];
      flags.family = f === 'inet6' ? 'inet6' : 'inet';
    } else {
      c.err(
        ipError(iproute2, `Option "${a}" is unknown, try "ip -help".`, `invalid option -- '${a.slice(1)}'`),
      );
      return iproute2 ? 255 : 1;
    }
  }
  const object = all[i] ?? '';
  const args = all.slice(i + 1);
  const formatter = c.system.ipFormatter ?? CALICO_POD_IP_FORMATTER;
  if (object === '' || object === 'help') {
    c.err(
      'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { address | link | route }\n       OPTIONS := { -4 | -6 | -o[neline] }\n(netkube emulates these objects of ip only)\n',
    );
    return object === '' ? 255 : 0;
  }
  if ('address'.startsWith(object)) {
    return showInterfaces(c, formatter.addr(c.system.pod), flags, args, false, iproute2);
  }
  if ('route'.startsWith(object)) {
    const table = formatter.route(c.system.pod);
    if (args[0] === 'get') return routeGet(c, table, args.slice(1), iproute2);
    if (flags.family === 'inet6') return 0;
    c.out(table);
    return 0;
  }
  if ('link'.startsWith(object)) {
    return showInterfaces(c, formatter.addr(c.system.pod), flags, args, true, iproute2);
  }
  if (NOT_EMULATED.some((o) => o.startsWith(object))) {
    c.err(`ip: netkube does not emulate "ip ${object}"; it emulates ip address, ip link and ip route\n`);
    return 1;
  }
  c.err(`Object "${object}" is unknown, try "ip help".\n`);
  return 1;
};
