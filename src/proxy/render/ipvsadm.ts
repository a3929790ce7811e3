/**
 * `ipvsadm -Ln` output for an ipvs RuleSet: one block per virtual server
 * (`TCP  10.96.0.1:443 rr [persistent N]`) with its real servers in Masq forwarding,
 * formatted with ipvsadm's own printf widths and listed in ipvsadm's own order.
 */
import { bucketValues } from '../bucket-map.js';
import type { IpvsConnectionCounts } from '../evaluate/types.js';
import { parseIPv4 } from '../ip.js';
import type { Protocol } from '../model.js';
import type { IpvsRealServer, IpvsRuleSet, IpvsVirtualServer } from '../ruleset.js';
import { virtualServerKey } from '../ruleset.js';

function pad(text: string | number, width: number): string {
  return String(text).padEnd(width, ' ');
}

/** IANA protocol numbers: ipvsadm compares services by `protocol`, the number. */
const PROTOCOL_NUMBER: Readonly<Record<Protocol, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

/**
 * libipvs compares addresses as `ntohl(a) - ntohl(b)` stored in an `int`: the unsigned
 * difference wraps to 32-bit signed. Two addresses more than 2^31 apart therefore
 * compare "backwards" — on a node with ClusterIPs in 10.96.0.0/12 and node IPs in
 * 172.18.0.0/16, `ipvsadm -Ln` lists `172.18.0.2:3xxxx` before `10.96.0.1:443`.
 */
function addressDelta(a: string, b: string): number {
  return ((parseIPv4(a) ?? 0) - (parseIPv4(b) ?? 0)) | 0;
}

/** libipvs `ipvs_cmp_services` (fwmark and family are the same for every kube-proxy service). */
export function compareVirtualServers(a: IpvsVirtualServer, b: IpvsVirtualServer): number {
  const protocol = PROTOCOL_NUMBER[a.protocol] - PROTOCOL_NUMBER[b.protocol];
  if (protocol !== 0) return protocol;
  const address = addressDelta(a.ip, b.ip);
  return address !== 0 ? address : a.port - b.port;
}

/** libipvs `ipvs_cmp_dests`: address (as above), then port. */
export function compareRealServers(a: IpvsRealServer, b: IpvsRealServer): number {
  const address = addressDelta(a.ip, b.ip);
  return address !== 0 ? address : a.port - b.port;
}

/**
 * glibc's `qsort`, a top-down merge sort (`msort_with_tmp`: first half, second half,
 * merge taking the left element while `cmp <= 0`). With the wrapping comparator above
 * the order is not total when addresses span more than half the address space; the
 * result then depends on the algorithm and the input order, so both are fixed here
 * (the input is numeric order; on a real node it is the kernel's hash-table order).
 */
export function glibcQsort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  if (items.length <= 1) return [...items];
  const half = items.length >> 1;
  const left = glibcQsort(items.slice(0, half), cmp);
  const right = glibcQsort(items.slice(half), cmp);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length)
    out.push(cmp(left[i] as T, right[j] as T) <= 0 ? (left[i++] as T) : (right[j++] as T));
  while (i < left.length) out.push(left[i++] as T);
  while (j < right.length) out.push(right[j++] as T);
  return out;
}

function numericOrder(a: { ip: string; port: number }, b: { ip: string; port: number }): number {
  const d = (parseIPv4(a.ip) ?? 0) - (parseIPv4(b.ip) ?? 0);
  return d !== 0 ? d : a.port - b.port;
}

/**
 * The real servers of `vs` as the kernel holds them: the compiled ones, plus (TCP only)
 * the deleted ones that still have connections, at weight 0 — kube-proxy's graceful
 * termination (`GracefulDeleteRS`) keeps those until ActiveConn and InActConn are both
 * 0; UDP and SCTP real servers are deleted at once.
 */
function heldRealServers(vs: IpvsVirtualServer, vsKey: string, counts?: IpvsConnectionCounts) {
  const held = counts?.realServersWithConnections?.(vsKey);
  if (!held || held.length === 0 || vs.protocol !== 'TCP') return vs.realServers;
  const present = new Set(vs.realServers.map((rs) => `${rs.ip}:${rs.port}`));
  const kept: IpvsRealServer[] = [];
  for (const key of held) {
    if (present.has(key)) continue;
    const colon = key.lastIndexOf(':');
    kept.push({ ip: key.slice(0, colon), port: Number(key.slice(colon + 1)), weight: 0 });
  }
  return kept.length === 0 ? vs.realServers : [...vs.realServers, ...kept];
}

/**
 * The `ipvsadm -Ln` text. With `counts` (the node's live ipvs state) it shows the
 * connection counts and the real servers kept for graceful termination; without, zeros.
 */
export function renderIpvsadm(ruleSet: IpvsRuleSet, counts?: IpvsConnectionCounts): string {
  const lines = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  const input = [...bucketValues(ruleSet.servers)].sort(
    (a, b) => PROTOCOL_NUMBER[a.protocol] - PROTOCOL_NUMBER[b.protocol] || numericOrder(a, b),
  );
  for (const vs of glibcQsort(input, compareVirtualServers)) {
    const persistent = vs.persistenceSeconds > 0 ? ` persistent ${vs.persistenceSeconds}` : '';
    lines.push(`${vs.protocol}  ${vs.ip}:${vs.port} ${vs.scheduler}${persistent}`);
    const vsKey = virtualServerKey(vs.protocol, vs.ip, vs.port);
    const realServers = glibcQsort(
      [...heldRealServers(vs, vsKey, counts)].sort(numericOrder),
      compareRealServers,
    );
    for (const rs of realServers) {
      const c = counts?.connections(vsKey, `${rs.ip}:${rs.port}`) ?? { active: 0, inactive: 0 };
      lines.push(
        `  -> ${pad(`${rs.ip}:${rs.port}`, 28)} ${pad('Masq', 7)} ${pad(rs.weight, 6)} ${pad(c.active, 10)} ${pad(c.inactive, 10)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
