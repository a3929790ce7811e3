/**
 * `runPacketFlowTests`, the port of kube-proxy's test helper: a table of packets with
 * the expected outcome (set of DNAT targets, or REJECT / DROP / ACCEPT / '' for "no
 * kube-proxy rule matched") and whether the packet is masqueraded. `packetFlowOutcome`
 * is the vitest-free core, for suites that compare the evaluator with real connections.
 */
import { expect, it } from 'vitest';
import { seededRandom } from '../../util/random.js';
import { ruleAddressMatches } from '../addresses.js';
import { evaluatePacket } from '../evaluate/evaluate.js';
import type { EvaluateOptions, PacketResult, SourceRole } from '../evaluate/types.js';
import type { Protocol } from '../model.js';
import type { RuleSet } from '../ruleset.js';

/** One row of a packet-flow table. */
export interface PacketFlowCase {
  readonly name: string;
  readonly src: string;
  readonly dst: string;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
  /** Inferred from `src` when absent: node address → node-local, pod CIDR → pod-local, else external. */
  readonly source?: SourceRole;
  /** DNAT targets (`ip:port`), or a verdict; '' means no kube-proxy rule decided. */
  readonly want: readonly string[] | 'REJECT' | 'DROP' | 'ACCEPT' | '';
  /** Whether the packet gets the masquerade mark. @default false */
  readonly masq?: boolean;
}

/** The source role a bare address implies on the node of `ruleSet`. */
export function inferSourceRole(ruleSet: RuleSet, ip: string): SourceRole {
  const options = ruleSet.options;
  if (options.nodeIPs.includes(ip) || ruleAddressMatches('127.0.0.0/8', ip, options)) return 'node-local';
  if (options.podCIDR !== undefined && ruleAddressMatches(options.podCIDR, ip, options)) return 'pod-local';
  return 'external';
}

/** The outcome in upstream's terms: the sorted DNAT targets or a verdict word, and the masquerade flag. */
export interface FlowOutcome {
  readonly output: readonly string[] | 'REJECT' | 'DROP' | 'ACCEPT' | '';
  readonly masq: boolean;
  readonly result: PacketResult;
}

function explicitlyAccepted(result: PacketResult): boolean {
  return result.matched.some((m) => m.rule.action?.kind === 'accept' && m.chain !== 'KUBE-FORWARD');
}

/** Evaluates one case (exploring every random branch) and reduces it to upstream's output form. */
export function packetFlowOutcome(
  ruleSet: RuleSet,
  c: PacketFlowCase,
  options?: Partial<EvaluateOptions>,
): FlowOutcome {
  const result = evaluatePacket(
    ruleSet,
    {
      protocol: c.protocol ?? 'TCP',
      srcIP: c.src,
      srcPort: 40000,
      dstIP: c.dst,
      dstPort: c.port,
      source: c.source ?? inferSourceRole(ruleSet, c.src),
    },
    { random: seededRandom(1), ...options },
  );
  if (result.verdict === 'DNAT') {
    const output = result.candidates
      .filter((x) => x.probability > 0 || ruleSet.mode === 'ipvs')
      .map((x) => x.endpoint);
    return { output: output.sort(), masq: result.candidates.some((x) => x.masquerade), result };
  }
  if (result.verdict === 'ACCEPT')
    return { output: explicitlyAccepted(result) ? 'ACCEPT' : '', masq: result.masquerade, result };
  return { output: result.verdict, masq: result.masquerade, result };
}

/**
 * Registers one vitest case per row. `ruleSet` may be a thunk, evaluated when the case
 * runs (so a table can follow a sync done in a `beforeAll`).
 */
export function runPacketFlowTests(
  ruleSet: RuleSet | (() => RuleSet),
  cases: readonly PacketFlowCase[],
): void {
  it.each(cases.map((c) => ({ ...c, label: c.name })))('$label', (c) => {
    const rs = typeof ruleSet === 'function' ? ruleSet() : ruleSet;
    const got = packetFlowOutcome(rs, c);
    const want = typeof c.want === 'string' ? c.want : [...c.want].sort();
    const trail = got.result.matched.map((m) => `${m.table}/${m.chain}#${m.ruleIndex}`).join('\n');
    expect(got.output, `output of ${c.src} → ${c.dst}:${c.port}; matched:\n${trail}`).toEqual(want);
    expect(got.masq, `masquerade of ${c.src} → ${c.dst}:${c.port}`).toBe(c.masq ?? false);
  });
}
