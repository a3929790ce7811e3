/**
 * Rules as data: the typed form of what kube-proxy writes into netfilter. One model
 * serves iptables and nftables; renderers turn it into `iptables-restore`,
 * `iptables-save` or `nft` text, and the evaluator walks it packet by packet. Every
 * member documents the text it renders to and when the compiler emits it.
 */

/** Lower-case L4 protocol as rules spell it. */
export type L4Protocol = 'tcp' | 'udp' | 'sctp';

/** Conntrack states a rule can test. */
export type CtState = 'NEW' | 'RELATED' | 'ESTABLISHED' | 'INVALID' | 'DNAT';

/** A rule condition. All conditions of a rule must hold for its action to run. */
export type Match =
  /** `-m comment --comment "text"` / nft `comment "text"`: always matches; iptables prints it where it stands. */
  | { readonly kind: 'comment'; readonly text: string }
  /** `-m tcp -p tcp` / `meta l4proto tcp` (with a port: `tcp dport 80`). Emitted on every service match. */
  | { readonly kind: 'protocol'; readonly protocol: L4Protocol }
  /** `[!] -s <addr>` / `ip saddr [!=] <addr>`: hairpin, pod detector, source ranges. */
  | { readonly kind: 'source'; readonly address: string; readonly negate?: boolean }
  /** `[!] -d <addr>` / `ip daddr [!=] <addr>`: service IPs, localhost. */
  | { readonly kind: 'destination'; readonly address: string; readonly negate?: boolean }
  /** nft `ip saddr [!=] { a, b }`: the firewall chain's allowed sources. */
  | { readonly kind: 'source-in'; readonly addresses: readonly string[]; readonly negate?: boolean }
  /** nft `ip daddr { cidr }`: the service CIDRs of `cluster-ips-check`. */
  | { readonly kind: 'destination-in'; readonly addresses: readonly string[] }
  /** `--dport <n>` (after a protocol match). */
  | { readonly kind: 'destination-port'; readonly port: number }
  /** `-m addrtype --src-type|--dst-type LOCAL` / `fib saddr|daddr type local`: an address of this node. */
  | { readonly kind: 'addrtype'; readonly direction: 'source' | 'destination' }
  /** `-m conntrack [!] --ctstate A,B` / `ct state new`. */
  | { readonly kind: 'ctstate'; readonly states: readonly CtState[]; readonly negate?: boolean }
  /** `-m mark [!] --mark v/m` / nft `mark and v == 0` (negated). */
  | { readonly kind: 'mark'; readonly value: number; readonly negate?: boolean }
  /** `-m statistic --mode random --probability 1/n`: taken with probability 1/n. */
  | { readonly kind: 'statistic'; readonly n: number }
  /** `-m recent --name X --rcheck --seconds T --reap`: the client used endpoint X within T seconds. */
  | {
      readonly kind: 'recent-check';
      readonly name: string;
      readonly seconds: number;
    }
  /** `-m recent --name X --set`: records the client for endpoint X (always matches). */
  | { readonly kind: 'recent-set'; readonly name: string }
  /** nft `ip saddr @affinity-X`: the client is in endpoint X's affinity set. */
  | { readonly kind: 'affinity-set'; readonly set: string; readonly seconds: number }
  /** nft `ip daddr @set`: destination in a named address set (`cluster-ips`, `nodeport-ips`). */
  | { readonly kind: 'destination-set'; readonly set: string }
  /** `-m nfacct --nfacct-name X`: a counter; always matches. */
  | { readonly kind: 'nfacct'; readonly name: string };

/** What a rule does when it matches. */
export type Action =
  /** `-j CHAIN` / `jump chain`: run the chain, come back unless it decided. */
  | { readonly kind: 'jump'; readonly chain: string }
  /** nft `goto chain`: run the chain and return to our caller's caller. */
  | { readonly kind: 'goto'; readonly chain: string }
  /** `-j RETURN` / `return`. */
  | { readonly kind: 'return' }
  /** `-j ACCEPT` / `accept`: the health check port, marked forwarded traffic. */
  | { readonly kind: 'accept' }
  /** `-j DROP` / `drop`: no local endpoints, source range refused, invalid conntrack. */
  | { readonly kind: 'drop' }
  /** `-j REJECT` / `reject`: no endpoints at all (the client sees connection refused). */
  | { readonly kind: 'reject' }
  /** `-j DNAT --to-destination ip:port` / `dnat to ip:port`: the endpoint is chosen. */
  | { readonly kind: 'dnat'; readonly ip: string; readonly port: number }
  /** `-j MARK --or-mark M` / `mark set mark or M` (or `xor`): set or clear the masquerade bit. */
  | { readonly kind: 'mark'; readonly op: 'or' | 'xor'; readonly value: number }
  /** `-j MASQUERADE` / `masquerade fully-random`: SNAT to the node's address. */
  | { readonly kind: 'masquerade'; readonly fullyRandom: boolean }
  /** nft `numgen random mod n vmap { 0 : goto A , ... }`: uniform choice of an endpoint chain. */
  | { readonly kind: 'numgen'; readonly targets: readonly string[] }
  /** nft `<key> vmap @map`: look the packet up in a verdict map. */
  | { readonly kind: 'vmap'; readonly map: string; readonly key: VmapKey }
  /** nft `update @set { ip saddr }`: refresh the client's affinity entry; continues. */
  | { readonly kind: 'affinity-update'; readonly set: string };

/** The lookup key of a verdict map: `ip daddr . meta l4proto . th dport` or `meta l4proto . th dport`. */
export type VmapKey = 'daddr-proto-port' | 'proto-port';

/**
 * One rule. `action` is absent for kube-proxy's comment-only rule at the end of
 * `KUBE-FW-*`. `service` (not rendered) names the `ServicePortName` the rule was
 * written for, so a trace can show it beside the hashed chain name.
 */
export interface Rule {
  readonly matches: readonly Match[];
  readonly action?: Action | undefined;
  readonly service?: string | undefined;
}

/** A netfilter hook a base chain is attached to. */
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

/** One chain. `humanName` is the `ServicePortName` a per-service chain belongs to. */
export interface Chain {
  readonly name: string;
  readonly rules: readonly Rule[];
  readonly humanName?: string;
  /** Set on built-in / base chains, which a packet enters from a hook. */
  readonly hook?: { readonly type: 'filter' | 'nat'; readonly hook: Hook; readonly priority: number };
  /** nft chain comment. */
  readonly comment?: string;
}

/** Shorthand for a rule literal; `service` tags a per-service rule. */
export function rule(matches: readonly Match[], action?: Action, service?: string): Rule {
  return { matches, action, service };
}

/** `-m comment --comment <text>`. */
export function comment(text: string): Match {
  return { kind: 'comment', text };
}

/** `-j <chain>`. */
export function jump(chain: string): Action {
  return { kind: 'jump', chain };
}

/** The comment of a rule (its first comment match), if any. */
export function ruleComment(r: Rule): string | undefined {
  for (const m of r.matches) if (m.kind === 'comment') return m.text;
  return undefined;
}

const PROTOCOL_MATCHES: Readonly<Record<L4Protocol, Match>> = {
  tcp: { kind: 'protocol', protocol: 'tcp' },
  udp: { kind: 'protocol', protocol: 'udp' },
  sctp: { kind: 'protocol', protocol: 'sctp' },
};

/** The shared (immutable) `-m <p> -p <p>` match of a protocol. */
export function protocolMatch(protocol: L4Protocol): Match {
  return PROTOCOL_MATCHES[protocol];
}

/** `-m <p> -p <p> -d <ip> --dport <port>`, the match kube-proxy writes for a service address. */
export function serviceAddressMatches(protocol: L4Protocol, ip: string, port: number): Match[] {
  return [
    PROTOCOL_MATCHES[protocol],
    { kind: 'destination', address: ip },
    { kind: 'destination-port', port },
  ];
}
