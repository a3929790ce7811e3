/**
 * The `ip kube-proxy` table as `nft` would list it after kube-proxy's transaction, in
 * the layout of knftables' `Fake.Dump()` that kube-proxy's tests compare against
 * (`TestOverallNFTablesRules`): table, chains, sets, maps, then every chain's rules,
 * then set and map elements.
 */
import { assertNever } from '../../util/assert-never.js';
import { orderedFragments } from '../fragments.js';
import { formatMark } from '../options.js';
import type { Action, Chain, Match, Rule } from '../rules.js';
import { type NftablesRuleSet, type NftElement, type NftSetDecl, serviceChains } from '../ruleset.js';

const FAMILY_TABLE = 'ip kube-proxy';

function nftMatch(m: Match, next: Match | undefined): { text: string; consumed: number } {
  switch (m.kind) {
    case 'protocol':
      return next?.kind === 'destination-port'
        ? { text: `${m.protocol} dport ${next.port}`, consumed: 2 }
        : { text: `meta l4proto ${m.protocol}`, consumed: 1 };
    case 'destination-port':
      return { text: `th dport ${m.port}`, consumed: 1 };
    case 'source':
      return { text: `ip saddr ${m.negate ? '!= ' : ''}${m.address}`, consumed: 1 };
    case 'destination':
      return { text: `ip daddr ${m.negate ? '!= ' : ''}${m.address}`, consumed: 1 };
    case 'source-in':
      return { text: `ip saddr ${m.negate ? '!= ' : ''}{ ${m.addresses.join(' , ')} }`, consumed: 1 };
    case 'destination-in':
      return { text: `ip daddr { ${m.addresses.join(',')} }`, consumed: 1 };
    case 'addrtype':
      return { text: `fib ${m.direction === 'source' ? 'saddr' : 'daddr'} type local`, consumed: 1 };
    case 'ctstate':
      return {
        text: `ct state ${m.negate ? '!= ' : ''}${m.states.map((s) => s.toLowerCase()).join(',')}`,
        consumed: 1,
      };
    case 'mark':
      return { text: `mark and ${formatMark(m.value)} ${m.negate ? '==' : '!='} 0`, consumed: 1 };
    case 'affinity-set':
      return { text: `ip saddr @${m.set}`, consumed: 1 };
    case 'destination-set':
      return { text: `ip daddr @${m.set}`, consumed: 1 };
    case 'comment':
      return { text: '', consumed: 1 };
    case 'statistic':
    case 'recent-check':
    case 'recent-set':
    case 'nfacct':
      throw new Error(`Match ${m.kind} has no nftables form`);
    default:
      return assertNever(m, 'match');
  }
}

/** An action (or a map element's verdict) in nft syntax. */
export function nftAction(a: Action): string {
  switch (a.kind) {
    case 'jump':
      return `jump ${a.chain}`;
    case 'goto':
      return `goto ${a.chain}`;
    case 'return':
    case 'accept':
    case 'drop':
    case 'reject':
      return a.kind;
    case 'dnat':
      return `dnat to ${a.ip}:${a.port}`;
    case 'mark':
      return `mark set mark ${a.op} ${formatMark(a.value)}`;
    case 'masquerade':
      return a.fullyRandom ? 'masquerade fully-random' : 'masquerade';
    case 'numgen':
      return `numgen random mod ${a.targets.length} vmap { ${a.targets.map((t, i) => `${i} : goto ${t}`).join(' , ')} }`;
    case 'vmap':
      return `${a.key === 'daddr-proto-port' ? 'ip daddr . meta l4proto . th dport' : 'meta l4proto . th dport'} vmap @${a.map}`;
    case 'affinity-update':
      return `update @${a.set} { ip saddr }`;
    default:
      return assertNever(a, 'action');
  }
}

/** The body of one rule (after `add rule ip kube-proxy <chain> `). */
export function nftRule(r: Rule): string {
  const parts: string[] = [];
  let commentText: string | undefined;
  for (let i = 0; i < r.matches.length; ) {
    const m = r.matches[i] as Match;
    if (m.kind === 'comment') commentText = m.text;
    const { text, consumed } = nftMatch(m, r.matches[i + 1]);
    if (text) parts.push(text);
    i += consumed;
  }
  if (r.action) parts.push(nftAction(r.action));
  if (commentText !== undefined) parts.push(`comment "${commentText}"`);
  return parts.join(' ');
}

function chainLine(c: Chain): string {
  const head = `add chain ${FAMILY_TABLE} ${c.name}`;
  if (c.hook) return `${head} { type ${c.hook.type} hook ${c.hook.hook} priority ${c.hook.priority} ; }`;
  if (c.comment) return `${head} { comment "${c.comment}" ; }`;
  return head;
}

function setLines(ruleSet: NftablesRuleSet, affinity: readonly NftSetDecl[]): string[] {
  const sets = [`cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }`];
  if (ruleSet.options.nodePortAddresses !== undefined) {
    sets.push(`nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }`);
  }
  for (const s of affinity)
    sets.push(`${s.name} { type ${s.type} ; flags dynamic,timeout ; timeout ${s.timeoutSeconds}s ; }`);
  return sets.sort().map((s) => `add set ${FAMILY_TABLE} ${s}`);
}

const MAPS: readonly (readonly [string, string, string])[] = [
  [
    'firewall-ips',
    'ipv4_addr . inet_proto . inet_service',
    'destinations that are subject to LoadBalancerSourceRanges',
  ],
  [
    'no-endpoint-nodeports',
    'inet_proto . inet_service',
    'vmap to drop or reject packets to service nodeports with no endpoints',
  ],
  [
    'no-endpoint-services',
    'ipv4_addr . inet_proto . inet_service',
    'vmap to drop or reject packets to services with no endpoints',
  ],
  [
    'service-ips',
    'ipv4_addr . inet_proto . inet_service',
    'ClusterIP, ExternalIP and LoadBalancer IP traffic',
  ],
  ['service-nodeports', 'inet_proto . inet_service', 'NodePort traffic'],
];

function elementLine(e: NftElement): string {
  const comment = e.comment === undefined ? '' : ` comment "${e.comment}"`;
  const value = e.verdict === undefined ? '' : ` : ${nftAction(e.verdict)}`;
  return `add element ${FAMILY_TABLE} ${e.container} { ${e.key.join(' . ')}${comment}${value} }`;
}

function elementLines(ruleSet: NftablesRuleSet): string[] {
  const byContainer = new Map<string, Map<string, NftElement>>();
  const all = [...ruleSet.baseElements, ...orderedFragments(ruleSet.fragments).flatMap((f) => f.elements)];
  for (const e of all) {
    let c = byContainer.get(e.container);
    if (!c) {
      c = new Map();
      byContainer.set(e.container, c);
    }
    const key = e.key.join(' . ');
    if (!c.has(key)) c.set(key, e);
  }
  // Set elements first (knftables dumps sets before maps), each group by name.
  const isSet = (name: string) => !MAPS.some(([m]) => m === name);
  const names = [...byContainer.keys()].sort(
    (a, b) => Number(isSet(b)) - Number(isSet(a)) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return names.flatMap((name) => [...(byContainer.get(name)?.values() ?? [])].map(elementLine));
}

/** The whole table as `add …` lines, one per object, newline-terminated. */
export function renderNftables(ruleSet: NftablesRuleSet): string {
  const chains = [...ruleSet.table.base.values(), ...serviceChains(ruleSet.table)];
  chains.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const affinity = orderedFragments(ruleSet.fragments).flatMap((f) => f.sets);
  const lines = [
    `add table ${FAMILY_TABLE} { comment "rules for kube-proxy" ; }`,
    ...chains.map(chainLine),
    ...setLines(ruleSet, affinity),
    ...MAPS.map(
      ([name, type, comment]) =>
        `add map ${FAMILY_TABLE} ${name} { type ${type} : verdict ; comment "${comment}" ; }`,
    ),
    ...chains.flatMap((c) => c.rules.map((r) => `add rule ${FAMILY_TABLE} ${c.name} ${nftRule(r)}`)),
    ...elementLines(ruleSet),
  ];
  return `${lines.join('\n')}\n`;
}
