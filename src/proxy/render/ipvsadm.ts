/**
 * `ipvsadm -Ln` output for an ipvs RuleSet: one block per virtual server
 * (`TCP  10.96.0.1:443 rr [persistent N]`) with its real servers in Masq forwarding,
 * formatted with ipvsadm's own printf widths.
 */
import { bucketValues } from '../bucket-map.js';
import type { IpvsConnectionCounts } from '../evaluate/types.js';
import { parseIPv4 } from '../ip.js';
import type { IpvsRuleSet, IpvsVirtualServer } from '../ruleset.js';
import { virtualServerKey } from '../ruleset.js';

function pad(text: string | number, width: number): string {
  return String(text).padEnd(width, ' ');
}

function compareServers(a: IpvsVirtualServer, b: IpvsVirtualServer): number {
  if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
  const ai = parseIPv4(a.ip) ?? 0;
  const bi = parseIPv4(b.ip) ?? 0;
  return ai !== bi ? ai - bi : a.port - b.port;
}

/** The `ipvsadm -Ln` text. Connection counts are shown when given, else zero. */
export function renderIpvsadm(ruleSet: IpvsRuleSet, counts?: IpvsConnectionCounts): string {
  const lines = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  const servers = [...bucketValues(ruleSet.servers)].sort(compareServers);
  for (const vs of servers) {
    const persistent = vs.persistenceSeconds > 0 ? ` persistent ${vs.persistenceSeconds}` : '';
    lines.push(`${vs.protocol}  ${vs.ip}:${vs.port} ${vs.scheduler}${persistent}`);
    const vsKey = virtualServerKey(vs.protocol, vs.ip, vs.port);
    for (const rs of vs.realServers) {
      const c = counts?.connections(vsKey, `${rs.ip}:${rs.port}`) ?? { active: 0, inactive: 0 };
      lines.push(
        `  -> ${pad(`${rs.ip}:${rs.port}`, 28)} ${pad('Masq', 7)} ${pad(rs.weight, 6)} ${pad(c.active, 10)} ${pad(c.inactive, 10)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
