/**
 * `nslookup` (bind 9 as in agnhost/dnsutils, or busybox) and `dig` through the
 * pod's resolver. Cluster names are answered authoritatively by cluster DNS, so
 * no "Non-authoritative answer:" line; TTLs are CoreDNS's kubernetes-plugin 30 s.
 */
import { type CommandImpl, ExecAborted } from '../context.js';
import { isIpLiteral, type Resolution, resolveName } from '../net.js';

const TTL = 30;

async function lookup(
  c: Parameters<CommandImpl>[0],
  name: string,
  search: boolean,
): Promise<Resolution | undefined | 'timeout'> {
  try {
    return await resolveName(c.system, name, search);
  } catch (err) {
    if (err instanceof ExecAborted) throw err;
    return 'timeout';
  }
}

export const nslookup: CommandImpl = async (c) => {
  const operands = c.argv.slice(1).filter((a) => !a.startsWith('-'));
  const name = operands[0];
  const bind = c.system.tools.nslookup === 'bind';
  const server = operands[1] ?? c.system.dns.nameserver;
  if (name === undefined) {
    c.err(
      bind
        ? ''
        : 'BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n',
    );
    return 1;
  }
  const header = bind
    ? `Server:\t\t${server}\nAddress:\t${server}#53\n\n`
    : `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  if (isIpLiteral(name)) {
    c.out(`${header}** server can't find ${name.split('.').reverse().join('.')}.in-addr.arpa: NXDOMAIN\n\n`);
    return 1;
  }
  const r = await lookup(c, name, true);
  if (r === 'timeout') {
    c.out(bind ? ';; connection timed out; no servers could be reached\n\n' : `${header}`);
    if (!bind) c.err(`nslookup: read: Connection refused\n`);
    return 1;
  }
  if (!r) {
    c.out(`${header}** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  let text = header;
  for (const a of r.addresses) text += `Name:\t${r.fqdn}\nAddress: ${a}\n`;
  c.out(`${text}\n`);
  return 0;
};

/** Pads `text` with tabs to `column` (8-wide stops), or one space when past it. */
function toColumn(text: string, column: number): string {
  if (text.length >= column) return `${text} `;
  let out = text;
  let len = text.length;
  while (len < column) {
    out += '\t';
    len = (Math.floor(len / 8) + 1) * 8;
  }
  return out;
}

export const dig: CommandImpl = async (c) => {
  const args = c.argv.slice(1);
  const short = args.includes('+short');
  const search = args.includes('+search');
  let server = c.system.dns.nameserver;
  let name = '.';
  let type = 'A';
  for (const a of args) {
    if (a.startsWith('@')) server = a.slice(1);
    else if (a.startsWith('+') || a.startsWith('-')) continue;
    else if (/^(A|AAAA|SRV|TXT|MX|NS|CNAME|PTR|SOA|ANY)$/i.test(a)) type = a.toUpperCase();
    else name = a;
  }
  const r = type === 'A' ? await lookup(c, name, search) : undefined;
  if (r === 'timeout') {
    c.out(
      `;; communications error to ${server}#53: timed out\n;; communications error to ${server}#53: timed out\n;; communications error to ${server}#53: timed out\n\n; <<>> DiG 9.18.24 <<>> ${args.join(' ')}\n;; global options: +cmd\n;; no servers could be reached\n`,
    );
    return 9;
  }
  const fqdn = `${(r?.fqdn ?? name).replace(/\.$/, '')}.`;
  if (short) {
    for (const a of r?.addresses ?? []) c.out(`${a}\n`);
    return 0;
  }
  const answers = r?.addresses ?? [];
  const d = new Date(c.system.clock.now());
  const when = d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, '$1 $3 $2 $5 UTC $4');
  const id = Math.floor((c.system.clock.now() * 7919) % 65536);
  const lines = [
    '',
    `; <<>> DiG 9.18.24 <<>> ${args.join(' ')}`,
    ';; global options: +cmd',
    ';; Got answer:',
    `;; ->>HEADER<<- opcode: QUERY, status: ${r ? 'NOERROR' : 'NXDOMAIN'}, id: ${id}`,
    `;; flags: qr aa rd; QUERY: 1, ANSWER: ${answers.length}, AUTHORITY: ${r ? 0 : 1}, ADDITIONAL: 1`,
    ';; WARNING: recursion requested but not available',
    '',
    ';; OPT PSEUDOSECTION:',
    '; EDNS: version: 0, flags:; udp: 1232',
    ';; QUESTION SECTION:',
    `;${toColumn(fqdn, 31)}IN\t${type}`,
    '',
  ];
  if (answers.length > 0) {
    lines.push(';; ANSWER SECTION:');
    for (const a of answers) lines.push(`${toColumn(fqdn, 24)}${TTL}\tIN\t${type}\t${a}`);
    lines.push('');
  }
  lines.push(
    ';; Query time: 0 msec',
    `;; SERVER: ${server}#53(${server}) (UDP)`,
    `;; WHEN: ${when}`,
    `;; MSG SIZE  rcvd: ${60 + fqdn.length + answers.length * 16}`,
    '',
    '',
  );
  c.out(lines.join('\n'));
  return 0;
};
