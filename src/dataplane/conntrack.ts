/**
 * The emulated connection-tracking table. Every connection the dataplane
 * forwards gets an entry recording its original tuple and the tuple after
 * DNAT/SNAT, like `conntrack -L` on the node that translated it. Entries live
 * as long as the connection (TCP) or for the UDP timeout, so an established
 * connection keeps its endpoint when EndpointSlices change — only new
 * connections are evaluated against new rules, as with real netfilter.
 */
import type { L4Protocol } from '../workloads/types.js';

export interface ConntrackTuple {
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
}

export type ConntrackState = 'SYN_SENT' | 'ESTABLISHED' | 'CLOSE' | 'UNREPLIED';

export interface ConntrackEntry {
  readonly id: number;
  readonly node: string;
  readonly protocol: L4Protocol;
  /** As the client sent it. */
  readonly original: ConntrackTuple;
  /** The reply direction after translation: src is the endpoint, dst the (possibly SNATed) client. */
  readonly reply: ConntrackTuple;
  /** `namespace/name:port` of the Service whose rules translated it, if any. */
  readonly service: string | undefined;
  readonly masqueraded: boolean;
  state: ConntrackState;
  readonly createdAt: number;
  bytesOriginal: number;
  bytesReply: number;
}

export class ConntrackTable {
  #entries = new Map<number, ConntrackEntry>();
  #nextId = 1;

  get size(): number {
    return this.#entries.size;
  }

  /** Adds an entry; returns it so the caller can update state and counters. */
  add(entry: Omit<ConntrackEntry, 'id'>): ConntrackEntry {
    // Named fields, not a spread: one entry per new connection.
    const e: ConntrackEntry = {
      id: this.#nextId++,
      node: entry.node,
      protocol: entry.protocol,
      original: entry.original,
      reply: entry.reply,
      service: entry.service,
      masqueraded: entry.masqueraded,
      state: entry.state,
      createdAt: entry.createdAt,
      bytesOriginal: entry.bytesOriginal,
      bytesReply: entry.bytesReply,
    };
    this.#entries.set(e.id, e);
    return e;
  }

  remove(id: number): void {
    this.#entries.delete(id);
  }

  /** Entries, optionally of one node, oldest first. */
  list(node?: string): ConntrackEntry[] {
    const out: ConntrackEntry[] = [];
    for (const e of this.#entries.values()) if (node === undefined || e.node === node) out.push(e);
    return out;
  }

  /** Drops entries whose reply source is `endpointIP` (kube-proxy clears UDP entries of removed endpoints). */
  flushEndpoint(endpointIP: string, protocol: L4Protocol): number {
    let n = 0;
    for (const [id, e] of this.#entries) {
      if (e.protocol === protocol && e.reply.src === endpointIP) {
        this.#entries.delete(id);
        n++;
      }
    }
    return n;
  }
}

/**
 * Renders entries as `conntrack -L` prints them:
 * `tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.10.2 sport=51234 dport=30080 src=10.244.1.5 dst=127.0.10.2 sport=8080 dport=51234 [ASSURED] mark=0 use=1`
 */
export function formatConntrack(entries: readonly ConntrackEntry[], now: number): string {
  const lines = entries.map((e) => {
    const proto = e.protocol.toLowerCase();
    const num = e.protocol === 'TCP' ? 6 : e.protocol === 'UDP' ? 17 : 132;
    const timeout = e.protocol === 'TCP' ? (e.state === 'ESTABLISHED' ? 432000 : 120) : 30;
    const left = Math.max(0, timeout - Math.floor((now - e.createdAt) / 1000));
    const state = e.protocol === 'TCP' ? `${e.state} ` : '';
    const o = e.original;
    const r = e.reply;
    const assured = e.state === 'ESTABLISHED' ? '[ASSURED] ' : '';
    return `${proto.padEnd(8)} ${num} ${left} ${state}src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport} src=${r.src} dst=${r.dst} sport=${r.sport} dport=${r.dport} ${assured}mark=${e.masqueraded ? 16384 : 0} use=1`;
  });
  const count = entries.length;
  return `${lines.join('\n')}${lines.length ? '\n' : ''}conntrack v1.4.7 (conntrack-tools): ${count} flow entries have been shown.\n`;
}
