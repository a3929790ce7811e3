/**
 * The `iptables-restore` payload kube-proxy writes (kube-proxy.md §2.2, §2.10, §2.11):
 * `*filter`, chain lines, rules, `COMMIT`, then `*nat`. Arguments are in kube-proxy's
 * own order (`-m comment` first, `-m tcp -p tcp -d … --dport …`), comments quoted only
 * when they contain a space, probabilities as `%0.10f`. kube-proxy iterates Services in
 * Go map order; this payload is the canonical order its tests sort to
 * (`sortIPTablesRules`), byte for byte the same lines.
 */

import { assertNever } from '../../util/assert-never.js';
import { formatMark } from '../options.js';
import type { Action, Chain, Match, Rule } from '../rules.js';
import type { ChainTable, IptablesRuleSet } from '../ruleset.js';
import { getChain, serviceChains } from '../ruleset.js';

/** kube-proxy's `computeProbability`: `fmt.Sprintf("%0.10f", 1.0/float64(n))`. */
export function computeProbability(n: number): string {
  return (1 / n).toFixed(10);
}

/** A comment as kube-proxy writes it: quoted only when it contains a space. */
export function restoreComment(text: string): string {
  return text.includes(' ') ? `"${text}"` : text;
}

/** One match in restore form. Throws on nftables-only matches. */
export function restoreMatch(m: Match): string {
  switch (m.kind) {
    case 'comment':
      return `-m comment --comment ${restoreComment(m.text)}`;
    case 'protocol':
      return `-m ${m.protocol} -p ${m.protocol}`;
    case 'source':
      return `${m.negate ? '! ' : ''}-s ${m.address}`;
    case 'destination':
      return `${m.negate ? '! ' : ''}-d ${m.address}`;
    case 'destination-port':
      return `--dport ${m.port}`;
    case 'addrtype':
      return `-m addrtype --${m.direction === 'source' ? 'src' : 'dst'}-type LOCAL`;
    case 'ctstate':
      return `-m conntrack ${m.negate ? '! ' : ''}--ctstate ${m.states.join(',')}`;
    case 'mark':
      return `-m mark ${m.negate ? '! ' : ''}--mark ${formatMark(m.value)}/${formatMark(m.value)}`;
    case 'statistic':
      return `-m statistic --mode random --probability ${computeProbability(m.n)}`;
    case 'recent-check':
      return `-m recent --name ${m.name} --rcheck --seconds ${m.seconds} --reap`;
    case 'recent-set':
      return `-m recent --name ${m.name} --set`;
    case 'nfacct':
      return `-m nfacct --nfacct-name ${m.name}`;
    case 'source-in':
    case 'destination-in':
    case 'affinity-set':
    case 'destination-set':
      throw new Error(`Match ${m.kind} has no iptables form`);
    default:
      return assertNever(m, 'match');
  }
}

/** One action in restore form. Throws on nftables-only actions. */
export function restoreAction(a: Action): string {
  switch (a.kind) {
    case 'jump':
      return `-j ${a.chain}`;
    case 'return':
      return '-j RETURN';
    case 'accept':
      return '-j ACCEPT';
    case 'drop':
      return '-j DROP';
    case 'reject':
      return '-j REJECT';
    case 'dnat':
      return `-j DNAT --to-destination ${a.ip}:${a.port}`;
    case 'mark':
      return `-j MARK --${a.op}-mark ${formatMark(a.value)}`;
    case 'masquerade':
      return a.fullyRandom ? '-j MASQUERADE --random-fully' : '-j MASQUERADE';
    case 'goto':
    case 'numgen':
    case 'vmap':
    case 'affinity-update':
      throw new Error(`Action ${a.kind} has no iptables form`);
    default:
      return assertNever(a, 'action');
  }
}

/** `-A <chain> <matches> <action>` in restore form. */
export function restoreRule(chain: string, r: Rule): string {
  const parts = [`-A ${chain}`, ...r.matches.map(restoreMatch)];
  if (r.action) parts.push(restoreAction(r.action));
  return parts.join(' ');
}

/** `sortIPTablesRules` chain order: KUBE-NODEPORTS, KUBE-SERVICES, other KUBE-* by name, then the rest. */
export function compareChainNames(a: string, b: string): number {
  const rank = (n: string) =>
    n === 'KUBE-NODEPORTS' ? 0 : n === 'KUBE-SERVICES' ? 1 : n.startsWith('KUBE-') ? 2 : 3;
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The non-hook chains of a table, in canonical order. */
export function kubeChains(table: ChainTable): Chain[] {
  const chains = [...table.base.values()].filter((c) => c.hook === undefined);
  for (const c of serviceChains(table)) chains.push(c);
  return chains.sort((a, b) => compareChainNames(a.name, b.name));
}

function renderTable(name: string, table: ChainTable, lines: string[]): void {
  const chains = kubeChains(table);
  lines.push(`*${name}`);
  for (const c of chains) lines.push(`:${c.name} - [0:0]`);
  for (const c of chains) for (const r of c.rules) lines.push(restoreRule(c.name, r));
  lines.push('COMMIT');
}

/**
 * The full restore payload of a node (`iptables-restore --noflush --counters` input):
 * filter then nat. Hook jumps are not in it, as in kube-proxy.
 */
export function renderIptablesRestore(ruleSet: IptablesRuleSet): string {
  const lines: string[] = [];
  renderTable('filter', ruleSet.tables.filter, lines);
  renderTable('nat', ruleSet.tables.nat, lines);
  return `${lines.join('\n')}\n`;
}

/** The rules of one chain in restore form (for traces and debugging). */
export function renderChain(ruleSet: IptablesRuleSet, table: 'filter' | 'nat', chain: string): string[] {
  return (getChain(ruleSet.tables[table], chain)?.rules ?? []).map((r) => restoreRule(chain, r));
}
