/**
 * The chains kube-proxy writes on every sync regardless of Services (kube-proxy.md
 * §2.1, §2.2), and the hook jumps it (and the kubelet) ensure in the built-in chains.
 * The hook jumps are not part of the restore payload; they appear in the
 * `iptables-save` view and are where packet evaluation starts.
 */
import { isNodeLoopback } from '../addresses.js';
import { addressMatches } from '../ip.js';
import type { ResolvedOptions } from '../options.js';
import { type Chain, type CtState, comment, jump, type Match, type Rule, rule } from '../rules.js';
import {
  type IptablesContext,
  KUBE_EXTERNAL_SERVICES,
  KUBE_FIREWALL,
  KUBE_FORWARD,
  KUBE_MARK_MASQ,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
} from './context.js';

const NEW: Match = { kind: 'ctstate', states: ['NEW'] as CtState[] };

function hookJump(extra: Match[], text: string | undefined, target: string): Rule {
  return rule(text === undefined ? extra : [...extra, comment(text)], jump(target));
}

/** Built-in chains with the jumps of `iptablesJumpChains` (+ the kubelet's KUBE-FIREWALL), in prepend order. */
export function hookChains(ctx: IptablesContext): { filter: Chain[]; nat: Chain[] } {
  const firewall = ctx.localhostNodePorts ? [hookJump([], undefined, KUBE_FIREWALL)] : [];
  const lbFirewall = hookJump([NEW], 'kubernetes load balancer firewall', KUBE_PROXY_FIREWALL);
  const external = hookJump([NEW], 'kubernetes externally-visible service portals', KUBE_EXTERNAL_SERVICES);
  const portals = hookJump([NEW], 'kubernetes service portals', KUBE_SERVICES);
  const filter: Chain[] = [
    {
      name: 'INPUT',
      hook: { type: 'filter', hook: 'input', priority: 0 },
      rules: [
        lbFirewall,
        hookJump([], 'kubernetes health check service ports', KUBE_NODEPORTS),
        external,
        ...firewall,
      ],
    },
    {
      name: 'FORWARD',
      hook: { type: 'filter', hook: 'forward', priority: 0 },
      rules: [lbFirewall, hookJump([], 'kubernetes forwarding rules', KUBE_FORWARD), portals, external],
    },
    {
      name: 'OUTPUT',
      hook: { type: 'filter', hook: 'output', priority: 0 },
      rules: [lbFirewall, portals, ...firewall],
    },
  ];
  const natPortals = hookJump([], 'kubernetes service portals', KUBE_SERVICES);
  const nat: Chain[] = [
    { name: 'PREROUTING', hook: { type: 'nat', hook: 'prerouting', priority: -100 }, rules: [natPortals] },
    { name: 'OUTPUT', hook: { type: 'nat', hook: 'output', priority: -100 }, rules: [natPortals] },
    {
      name: 'POSTROUTING',
      hook: { type: 'nat', hook: 'postrouting', priority: 100 },
      rules: [hookJump([], 'kubernetes postrouting rules', KUBE_POSTROUTING)],
    },
  ];
  return { filter, nat };
}

/** `KUBE-POSTROUTING` and `KUBE-MARK-MASQ` (nat). */
export function masqueradeChains(options: ResolvedOptions): Chain[] {
  const mark = options.masqueradeMark;
  return [
    {
      name: KUBE_POSTROUTING,
      rules: [
        rule([{ kind: 'mark', value: mark, negate: true }], { kind: 'return' }),
        rule([], { kind: 'mark', op: 'xor', value: mark }),
        rule([comment('kubernetes service traffic requiring SNAT')], {
          kind: 'masquerade',
          fullyRandom: options.masqueradeFullyRandom,
        }),
      ],
    },
    { name: KUBE_MARK_MASQ, rules: [rule([], { kind: 'mark', op: 'or', value: mark })] },
  ];
}

/** `KUBE-FORWARD` and, with localhost NodePorts, `KUBE-FIREWALL` (filter). */
export function filterStaticChains(ctx: IptablesContext): Chain[] {
  const invalid: Match[] = [{ kind: 'ctstate', states: ['INVALID'] }];
  if (ctx.options.nfacct) invalid.push({ kind: 'nfacct', name: 'ct_state_invalid_dropped_pkts' });
  const chains: Chain[] = [
    {
      name: KUBE_FORWARD,
      rules: [
        rule(invalid, { kind: 'drop' }),
        rule([comment('kubernetes forwarding rules'), { kind: 'mark', value: ctx.options.masqueradeMark }], {
          kind: 'accept',
        }),
        rule(
          [
            comment('kubernetes forwarding conntrack rule'),
            { kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'] },
          ],
          { kind: 'accept' },
        ),
      ],
    },
  ];
  if (ctx.localhostNodePorts) {
    const matches: Match[] = [
      comment('block incoming localnet connections'),
      { kind: 'destination', address: '127.0.0.0/8' },
      { kind: 'source', address: '127.0.0.0/8', negate: true },
      { kind: 'ctstate', states: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true },
    ];
    chains.push({ name: KUBE_FIREWALL, rules: [rule(matches, { kind: 'drop' })] });
  }
  return chains;
}

const NODEPORTS_COMMENT = 'kubernetes service nodeports; NOTE: this must be the last rule in this chain';

/**
 * The last rule(s) of nat `KUBE-SERVICES`: every local address accepts NodePorts
 * (`--dst-type LOCAL`, minus localhost when localhost NodePorts are off), or with
 * `--nodeport-addresses` one rule per matching node address.
 */
export function nodePortsTailRules(ctx: IptablesContext): Rule[] {
  const options = ctx.options;
  const target = jump(KUBE_NODEPORTS);
  if (options.nodePortAddresses === undefined) {
    const matches: Match[] = [comment(NODEPORTS_COMMENT), { kind: 'addrtype', direction: 'destination' }];
    if (!ctx.localhostNodePorts) matches.push({ kind: 'destination', address: '127.0.0.0/8', negate: true });
    return [rule(matches, target)];
  }
  const candidates = [...options.nodeIPs, '127.0.0.1'];
  const selected = candidates.filter((ip) =>
    options.nodePortAddresses?.some((cidr) => addressMatches(cidr, ip)),
  );
  return selected
    .filter((ip) => ctx.localhostNodePorts || !isNodeLoopback(ip, options))
    .map((ip) => rule([comment(NODEPORTS_COMMENT), { kind: 'destination', address: ip }], target));
}
