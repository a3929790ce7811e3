/**
 * CoreDNS's `loadbalance` plugin (policy `round_robin`, the one kubeadm's
 * Corefile turns on): every successful reply has the address records of each
 * section shuffled, so clients that take the first address of a headless
 * Service spread over its pods. A section made only of A records is shuffled
 * as a whole; a mixed one is reordered CNAMEs first, then the other records
 * (SRV, PTR… in their order), then the shuffled addresses.
 *
 * The shuffle is CoreDNS's own (one random 16-bit draw per position, as
 * `dns.Id()` gives), drawn from an injected `Random` so tests are reproducible.
 */
import type { Random } from '../util/random.js';
import type { DnsRecord } from './zone.js';

function shuffleInPlace(records: DnsRecord[], random: Random): void {
  const l = records.length;
  if (l < 2) return;
  if (l === 2) {
    if (random.int(0x10000) % 2 === 0) records.reverse();
    return;
  }
  for (let j = 0; j < l; j++) {
    const p = j + (random.int(0x10000) % (l - j));
    if (p === j) continue;
    const t = records[j] as DnsRecord;
    records[j] = records[p] as DnsRecord;
    records[p] = t;
  }
}

/** One section in `round_robin` order; the input is never modified. */
export function roundRobin(records: readonly DnsRecord[], random: Random): DnsRecord[] {
  if (records.length <= 1) return [...records];
  if (records.every((r) => r.type === 'A')) {
    const out = [...records];
    shuffleInPlace(out, random);
    return out;
  }
  const addresses = records.filter((r) => r.type === 'A');
  shuffleInPlace(addresses, random);
  return [
    ...records.filter((r) => r.type === 'CNAME'),
    ...records.filter((r) => r.type !== 'CNAME' && r.type !== 'A'),
    ...addresses,
  ];
}

/** The three sections of a reply in `round_robin` order (the caller only passes NOERROR replies). */
export function balanceSections<
  T extends {
    readonly answers: readonly DnsRecord[];
    readonly authorities: readonly DnsRecord[];
    readonly additionals: readonly DnsRecord[];
  },
>(reply: T, random: Random): T {
  return {
    ...reply,
    answers: roundRobin(reply.answers, random),
    authorities: roundRobin(reply.authorities, random),
    additionals: roundRobin(reply.additionals, random),
  };
}
