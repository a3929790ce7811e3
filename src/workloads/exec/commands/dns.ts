/**
 * `nslookup` (bind 9 as in agnhost/dnsutils, or busybox) and `dig`, asking the
 * cluster DNS typed questions through the pod's network (`queryDns`). Cluster
 * names are answered authoritatively by cluster DNS, so no "Non-authoritative
 * answer:" line; TTLs are CoreDNS's kubernetes-plugin 30 s.
 *
 * busybox 1.36 nslookup (networking/nslookup.c): an IP argument becomes one PTR
 * question; otherwise A and AAAA (or the `-type`s given), each for every search
 * suffix when the name has no dot (ndots is ignored) and for the name alone
 * otherwise. Every reply is printed followed by an empty line (`** server can't
 * find NAME: NXDOMAIN` for a failed one, nothing for NODATA); exit 1 when any
 * reply failed. Records print with owner names without the trailing dot.
 */
import type { DnsRecord } from '../../../dns/zone.js';
import type { PodDnsReply } from '../../types.js';
import { type CommandImpl, ExecAborted } from '../context.js';
import { isIpLiteral, queryDns, reverseName, searchCandidates } from '../net.js';

const QTYPES = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR', 'ANY'];

type Ctx = Parameters<CommandImpl>[0];

async function ask(c: Ctx, name: string, type: string): Promise<PodDnsReply | 'timeout'> {
  try {
    return await queryDns(c.system, name, type);
  } catch (err) {
    if (err instanceof ExecAborted) throw err;
    return 'timeout';
  }
}

const bare = (name: string) => name.replace(/\.$/, '');
const dotted = (name: string) => `${bare(name)}.`;

/** The record data as text; `dot` keeps the trailing dots of names (bind), busybox drops them. */
function rdata(r: DnsRecord, dot: boolean): string {
  const n = (s: string) => (dot ? dotted(s) : bare(s));
  switch (r.type) {
    case 'A':
      return r.data;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return n(r.data);
    case 'TXT':
      return r.data.map((t) => `"${t}"`).join(' ');
    case 'SRV':
      return `${r.data.priority} ${r.data.weight} ${r.data.port} ${n(r.data.target)}`;
    case 'SOA':
      return `${n(r.data.mname)} ${n(r.data.rname)} ${r.data.serial} ${r.data.refresh} ${r.data.retry} ${r.data.expire} ${r.data.minimum}`;
  }
}

/** One answer record as nslookup prints it (busybox `parse_reply`; bind's printsection). */
function nslookupRecord(r: DnsRecord, bind: boolean): string {
  const owner = bare(r.name);
  switch (r.type) {
    case 'A':
      return `Name:\t${owner}\nAddress: ${r.data}\n`;
    case 'CNAME':
      return `${owner}\tcanonical name = ${rdata(r, bind)}\n`;
    case 'PTR':
      return `${owner}\tname = ${rdata(r, bind)}\n`;
    case 'NS':
      return `${owner}\tnameserver = ${rdata(r, bind)}\n`;
    case 'SRV':
      return `${owner}\tservice = ${rdata(r, bind)}\n`;
    case 'TXT':
      return `${owner}\ttext = ${rdata(r, bind)}\n`;
    case 'SOA': {
      const d = r.data;
      const n = (s: string) => (bind ? dotted(s) : bare(s));
      return `${owner}\n\torigin = ${n(d.mname)}\n\tmail addr = ${n(d.rname)}\n\tserial = ${d.serial}\n\trefresh = ${d.refresh}\n\tretry = ${d.retry}\n\texpire = ${d.expire}\n\tminimum = ${d.minimum}\n`;
    }
  }
}

interface NslookupArgs {
  readonly name: string | undefined;
  readonly server: string | undefined;
  readonly types: string[];
  readonly badType?: string;
}

function parseNslookup(argv: readonly string[]): NslookupArgs {
  const types: string[] = [];
  const operands: string[] = [];
  for (const a of argv) {
    if (!a.startsWith('-')) {
      operands.push(a);
      continue;
    }
    const m = /^-(type|querytype|query|q|ty)=(.*)$/i.exec(a);
    if (!m) continue;
    const t = (m[2] ?? '').toUpperCase();
    if (!QTYPES.includes(t)) return { name: operands[0], server: operands[1], types, badType: m[2] ?? '' };
    if (!types.includes(t)) types.push(t);
  }
  return { name: operands[0], server: operands[1], types };
}

const BUSYBOX_USAGE =
  'BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n';

/** busybox: every question of every search suffix, each reply printed. */
async function busyboxNslookup(c: Ctx, args: NslookupArgs & { name: string }): Promise<number> {
  const server = args.server ?? c.system.dns.nameserver;
  const d = c.system.dns.clusterDomain;
  const search = [`${c.system.pod.namespace}.svc.${d}`, `svc.${d}`, d];
  const name = args.name;
  const questions: Array<[string, string]> = [];
  const add = (type: string) => {
    if (type === 'PTR' || name.includes('.')) questions.push([name, type]);
    else for (const s of search) questions.push([`${name}.${s}`, type]);
  };
  if (args.types.length === 0) {
    if (isIpLiteral(name) && !name.includes(':')) questions.push([reverseName(name), 'PTR']);
    else {
      add('A');
      add('AAAA');
    }
  } else {
    for (const t of QTYPES) if (args.types.includes(t)) add(t);
  }
  let text = '';
  let code = 0;
  for (const [qname, type] of questions) {
    const reply = await ask(c, qname, type);
    if (reply === 'timeout') {
      c.out(text);
      c.err('nslookup: read: Connection refused\n');
      return 1;
    }
    if (text === '') text = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
    if (reply.rcode !== 'NOERROR') {
      text += `** server can't find ${qname}: ${reply.rcode}\n`;
      code = 1;
    } else {
      for (const r of reply.answers) text += nslookupRecord(r, false);
    }
    text += '\n';
  }
  c.out(text);
  return code;
}

/** bind 9: one question, through the search path (ndots:5) until a name exists. */
async function bindNslookup(c: Ctx, args: NslookupArgs & { name: string }): Promise<number> {
  const server = args.server ?? c.system.dns.nameserver;
  const header = `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
  const name = args.name;
  const reverse = isIpLiteral(name) && !name.includes(':');
  const type = reverse ? 'PTR' : (args.types.at(-1) ?? 'A');
  const candidates = reverse
    ? [reverseName(name)]
    : searchCandidates(name, c.system.pod.namespace, c.system.dns.clusterDomain);
  for (const candidate of candidates) {
    const reply = await ask(c, candidate, type);
    if (reply === 'timeout') {
      c.out(';; connection timed out; no servers could be reached\n\n');
      return 1;
    }
    if (reply.rcode === 'NXDOMAIN') continue;
    if (reply.rcode !== 'NOERROR') {
      c.out(`${header}** server can't find ${candidate}: ${reply.rcode}\n\n`);
      return 1;
    }
    if (reply.answers.length === 0) {
      c.out(`${header}*** Can't find ${name}: No answer\n\n`);
      return 0;
    }
    c.out(`${header}${reply.answers.map((r) => nslookupRecord(r, true)).join('')}\n`);
    return 0;
  }
  c.out(`${header}** server can't find ${reverse ? reverseName(name) : name}: NXDOMAIN\n\n`);
  return 1;
}

export const nslookup: CommandImpl = async (c) => {
  const bind = c.system.tools.nslookup === 'bind';
  const args = parseNslookup(c.argv.slice(1));
  if (args.badType !== undefined) {
    c.err(
      bind ? `unknown query type: ${args.badType}\n` : `nslookup: invalid query type "${args.badType}"\n`,
    );
    return 1;
  }
  const name = args.name;
  if (name === undefined) {
    c.err(bind ? '' : BUSYBOX_USAGE);
    return 1;
  }
  return bind ? bindNslookup(c, { ...args, name }) : busyboxNslookup(c, { ...args, name });
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

/** One resource record line of dig's sections. */
function digRecord(r: DnsRecord): string {
  return `${toColumn(dotted(r.name), 24)}${r.ttl}\tIN\t${r.type}\t${rdata(r, true)}`;
}

export const dig: CommandImpl = async (c) => {
  const args = c.argv.slice(1);
  const short = args.includes('+short');
  const search = args.includes('+search');
  let server = c.system.dns.nameserver;
  let name = '.';
  let type = 'A';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('@')) server = a.slice(1);
    else if (a === '-x' && args[i + 1] !== undefined) {
      name = reverseName(args[++i] ?? '');
      type = 'PTR';
    } else if ((a === '-t' || a === '-q') && args[i + 1] !== undefined) {
      const v = args[++i] ?? '';
      if (a === '-t') type = v.toUpperCase();
      else name = v;
    } else if (a === '-p' || a === '-c') i++;
    else if (a.startsWith('+') || a.startsWith('-')) continue;
    else if (/^(A|AAAA|SRV|TXT|MX|NS|CNAME|PTR|SOA|ANY)$/i.test(a)) type = a.toUpperCase();
    else if (/^(IN|CH|HS)$/i.test(a)) continue;
    else name = a;
  }
  const candidates =
    search && !name.endsWith('.')
      ? searchCandidates(name, c.system.pod.namespace, c.system.dns.clusterDomain)
      : [name];
  let asked = name;
  let reply: PodDnsReply | 'timeout' = { rcode: 'NXDOMAIN', answers: [], authorities: [] };
  for (const candidate of candidates) {
    asked = candidate;
    reply = await ask(c, candidate, type);
    if (reply === 'timeout' || reply.rcode !== 'NXDOMAIN') break;
  }
  if (reply === 'timeout') {
    c.out(
      `;; communications error to ${server}#53: timed out\n;; communications error to ${server}#53: timed out\n;; communications error to ${server}#53: timed out\n\n; <<>> DiG 9.18.24 <<>> ${args.join(' ')}\n;; global options: +cmd\n;; no servers could be reached\n`,
    );
    return 9;
  }
  if (short) {
    for (const r of reply.answers) c.out(`${rdata(r, true)}\n`);
    return 0;
  }
  const fqdn = asked === '.' ? '.' : dotted(asked);
  const { answers, authorities } = reply;
  const d = new Date(c.system.clock.now());
  const when = d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, '$1 $3 $2 $5 UTC $4');
  const id = Math.floor((c.system.clock.now() * 7919) % 65536);
  const lines = [
    '',
    `; <<>> DiG 9.18.24 <<>> ${args.join(' ')}`,
    ';; global options: +cmd',
    ';; Got answer:',
    `;; ->>HEADER<<- opcode: QUERY, status: ${reply.rcode}, id: ${id}`,
    `;; flags: qr aa rd; QUERY: 1, ANSWER: ${answers.length}, AUTHORITY: ${authorities.length}, ADDITIONAL: 1`,
    ';; WARNING: recursion requested but not available',
    '',
    ';; OPT PSEUDOSECTION:',
    '; EDNS: version: 0, flags:; udp: 1232',
    ';; QUESTION SECTION:',
    `;${toColumn(fqdn, 31)}IN\t${type}`,
    '',
  ];
  if (answers.length > 0) lines.push(';; ANSWER SECTION:', ...answers.map(digRecord), '');
  if (authorities.length > 0) lines.push(';; AUTHORITY SECTION:', ...authorities.map(digRecord), '');
  lines.push(
    ';; Query time: 0 msec',
    `;; SERVER: ${server}#53(${server}) (UDP)`,
    `;; WHEN: ${when}`,
    `;; MSG SIZE  rcvd: ${60 + fqdn.length + answers.length * 16 + authorities.length * 48}`,
    '',
    '',
  );
  c.out(lines.join('\n'));
  return 0;
};
