/**
 * The emulated connection-tracking table. Every connection the dataplane
 * forwards gets an entry recording its original tuple and the tuple after
 * DNAT/SNAT, like `conntrack -L` on the node that translated it. TCP entries
 * live as long as the connection; a UDP entry is created by the first datagram
 * of a flow (its 5-tuple) and carries the NAT decision for every later
 * datagram and reply of that flow until it times out, as the kernel's
 * `nf_conntrack_proto_udp.c` does: `nf_conntrack_udp_timeout` (30 s) after the
 * last packet, `nf_conntrack_udp_timeout_stream` (120 s, `[ASSURED]`) once the
 * flow has seen traffic both ways and is still active after 2 s. So an
 * established flow keeps its endpoint when EndpointSlices change — only new
 * flows are evaluated against new rules, as with real netfilter — except that
 * kube-proxy deletes the UDP entries of endpoints that stopped serving
 * (`cleanStaleEntries`, its `conntrack.CleanStaleEntries`).
 */
import type { ProxyState } from '../proxy/model.js';
import { type Clock, realClock, type TimerHandle } from '../util/clock.js';
import type { L4Protocol } from '../workloads/types.js';

/** `nf_conntrack_udp_timeout`: a UDP entry without a stream lives this long after its last packet. */
export const UDP_TIMEOUT_MS = 30_000;
/** `nf_conntrack_udp_timeout_stream`: an `[ASSURED]` UDP entry lives this long after its last packet. */
export const UDP_STREAM_TIMEOUT_MS = 120_000;
/** A flow that has seen a reply becomes a stream (ASSURED) with a packet more than this after its first. */
export const UDP_STREAM_AFTER_MS = 2_000;
/** Expired UDP entries are reclaimed in sweeps at least this far apart (lookups and listings never see them). */
const SWEEP_MIN_INTERVAL_MS = 1_000;

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
  /** TCP: the connection's state. UDP: `UNREPLIED` until the endpoint answered, then `ESTABLISHED`. */
  state: ConntrackState;
  readonly createdAt: number;
  bytesOriginal: number;
  bytesReply: number;
  /** UDP only: when the entry times out (epoch ms), pushed back by every packet of the flow. */
  expiresAt?: number;
  /** UDP only: `[ASSURED]`, traffic both ways still going after 2 s (the stream timeout applies). */
  assured?: boolean;
}

/** What a UDP entry is created with (the table sets its state and timeout). */
export type UdpEntryInit = Omit<
  ConntrackEntry,
  'id' | 'protocol' | 'state' | 'createdAt' | 'bytesOriginal' | 'bytesReply' | 'expiresAt' | 'assured'
>;

/**
 * A UDP flow in the table: its entry, the flow key it is found by (the
 * original 5-tuple, see `udpFlowKey`) and what the dataplane keeps with it.
 */
export interface UdpTrack<T> {
  readonly key: string;
  readonly entry: ConntrackEntry;
  readonly data: T;
  /** Called once when the entry goes (timeout, kube-proxy's cleanup, a flush, `stop`). */
  onEnd: (() => void) | undefined;
}

/** The key of a UDP flow: its original source and destination (the protocol is implied). */
export function udpFlowKey(srcIP: string, srcPort: number, dstIP: string, dstPort: number): string {
  return `${srcIP}:${srcPort}>${dstIP}:${dstPort}`;
}

export interface ConntrackTableOptions {
  /** Drives UDP timeouts; the emulator passes its own, tests a `FakeClock`. @default realClock */
  readonly clock?: Clock;
}

export class ConntrackTable {
  #entries = new Map<number, ConntrackEntry>();
  #nextId = 1;
  readonly #clock: Clock;
  /** UDP flows by `udpFlowKey`; their entries are in `#entries` too. */
  readonly #udp = new Map<string, UdpTrack<unknown>>();
  /** UDP flows by entry id, for removals that start from an entry. */
  readonly #udpById = new Map<number, UdpTrack<unknown>>();
  #sweep: TimerHandle | undefined;
  #sweepAt = Number.POSITIVE_INFINITY;

  constructor(options: ConntrackTableOptions = {}) {
    this.#clock = options.clock ?? realClock;
  }

  /** Entries held, UDP entries that timed out but were not reclaimed yet included. */
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

  /** Entries, optionally of one node, oldest first; UDP entries that timed out are reclaimed, not listed. */
  list(node?: string): ConntrackEntry[] {
    const now = this.#clock.now();
    const out: ConntrackEntry[] = [];
    for (const e of this.#entries.values()) {
      if (e.expiresAt !== undefined && e.expiresAt <= now) {
        this.#removeEntry(e);
        continue;
      }
      if (node === undefined || e.node === node) out.push(e);
    }
    return out;
  }

  /**
   * Adds the entry of a new UDP flow: the first datagram has passed, so it is
   * `UNREPLIED` for `nf_conntrack_udp_timeout`.
   */
  addUdp<T>(key: string, init: UdpEntryInit, data: T): UdpTrack<T> {
    const old = this.#udp.get(key);
    if (old) this.#end(old);
    const now = this.#clock.now();
    const entry: ConntrackEntry = {
      id: this.#nextId++,
      node: init.node,
      protocol: 'UDP',
      original: init.original,
      reply: init.reply,
      service: init.service,
      masqueraded: init.masqueraded,
      state: 'UNREPLIED',
      createdAt: now,
      bytesOriginal: 0,
      bytesReply: 0,
      expiresAt: now + UDP_TIMEOUT_MS,
      assured: false,
    };
    const track: UdpTrack<T> = { key, entry, data, onEnd: undefined };
    this.#entries.set(entry.id, entry);
    this.#udp.set(key, track);
    this.#udpById.set(entry.id, track);
    this.#scheduleSweep(entry.expiresAt as number, now);
    return track;
  }

  /** The live UDP flow with this key (see `udpFlowKey`); one that timed out is reclaimed. */
  findUdp<T>(key: string): UdpTrack<T> | undefined {
    const track = this.#udp.get(key);
    if (!track) return undefined;
    if ((track.entry.expiresAt as number) <= this.#clock.now()) {
      this.#end(track);
      return undefined;
    }
    return track as UdpTrack<T>;
  }

  /**
   * One more datagram of a UDP flow, from the client (`reply` false) or back
   * from the endpoint (`reply` true), refreshing its timeout as the kernel
   * does: 30 s until the flow has seen a reply and is older than 2 s, then
   * `[ASSURED]` and 120 s. False when the entry is gone (timed out, cleaned
   * up): the packet no longer belongs to a flow and is not translated.
   */
  udpPacket(track: UdpTrack<unknown>, reply: boolean, bytes: number): boolean {
    const e = track.entry;
    const now = this.#clock.now();
    if (this.#udp.get(track.key) !== track) return false;
    if ((e.expiresAt as number) <= now) {
      this.#end(track);
      return false;
    }
    if (reply) {
      e.state = 'ESTABLISHED';
      e.bytesReply += bytes;
    } else e.bytesOriginal += bytes;
    let timeout = UDP_TIMEOUT_MS;
    if (e.state === 'ESTABLISHED' && now > e.createdAt + UDP_STREAM_AFTER_MS) {
      timeout = UDP_STREAM_TIMEOUT_MS;
      e.assured = true;
    }
    // Only ever later than before: the sweep already scheduled still comes first.
    e.expiresAt = now + timeout;
    return true;
  }

  /** Removes a UDP flow's entry now (its `onEnd` runs). */
  removeUdp(track: UdpTrack<unknown>): void {
    if (this.#udp.get(track.key) === track) this.#end(track);
  }

  /** Drops entries whose reply source is `endpointIP` (`conntrack -D -p <proto> --reply-src <ip>`). */
  flushEndpoint(endpointIP: string, protocol: L4Protocol): number {
    let n = 0;
    for (const e of this.#entries.values()) {
      if (e.protocol === protocol && e.reply.src === endpointIP) {
        this.#removeEntry(e);
        n++;
      }
    }
    return n;
  }

  /**
   * kube-proxy's `conntrack.CleanStaleEntries`, run after every sync: deletes
   * the UDP entries addressed to a UDP Service — its ClusterIP, LoadBalancer
   * IPs and externalIPs (`--orig-dst`), or its NodePort on any address
   * (`--orig-port-dst`) — whose reply source (the endpoint they were DNATed
   * to) is not a serving endpoint of that Service any more, so the next
   * datagram of such a flow is load-balanced again instead of blackholed.
   * Serving counts, not ready: topology, traffic policy and termination do
   * not matter, as upstream. Where several UDP ports share an address
   * kube-proxy keeps one port's endpoints (Go map order); netkube keeps the
   * union, so it never deletes an entry kube-proxy might keep. Returns how
   * many entries went.
   */
  cleanStaleEntries(state: ProxyState): number {
    if (this.#udp.size === 0) return 0;
    const byIP = new Map<string, Set<string>>();
    const byNodePort = new Map<number, Set<string>>();
    const add = <K>(map: Map<K, Set<string>>, key: K, ips: readonly string[]) => {
      let set = map.get(key);
      if (!set) {
        set = new Set();
        map.set(key, set);
      }
      for (const ip of ips) set.add(ip);
    };
    for (const svc of state.services.values()) {
      if (svc.protocol !== 'UDP') continue;
      const serving = (state.endpoints.get(svc.key) ?? []).filter((e) => e.serving).map((e) => e.ip);
      if (svc.clusterIP) add(byIP, svc.clusterIP, serving);
      for (const ip of svc.loadBalancerVIPs) add(byIP, ip, serving);
      for (const ip of svc.externalIPs) add(byIP, ip, serving);
      if (svc.nodePort !== 0) add(byNodePort, svc.nodePort, serving);
    }
    let n = 0;
    for (const track of [...this.#udp.values()]) {
      const { original, reply } = track.entry;
      const toIP = byIP.get(original.dst);
      const toNodePort = byNodePort.get(original.dport);
      if ((toIP && !toIP.has(reply.src)) || (toNodePort && !toNodePort.has(reply.src))) {
        this.#end(track);
        n++;
      }
    }
    return n;
  }

  /** Ends every UDP flow and cancels the expiry sweep (the dataplane is stopping). */
  stop(): void {
    for (const track of [...this.#udp.values()]) this.#end(track);
    if (this.#sweep) this.#clock.clearTimeout(this.#sweep);
    this.#sweep = undefined;
    this.#sweepAt = Number.POSITIVE_INFINITY;
  }

  #removeEntry(e: ConntrackEntry): void {
    const track = this.#udpById.get(e.id);
    if (track) this.#end(track);
    else this.#entries.delete(e.id);
  }

  #end(track: UdpTrack<unknown>): void {
    this.#entries.delete(track.entry.id);
    this.#udpById.delete(track.entry.id);
    if (this.#udp.get(track.key) === track) this.#udp.delete(track.key);
    const onEnd = track.onEnd;
    track.onEnd = undefined;
    onEnd?.();
  }

  /** One timer for the whole table, at the earliest expiry (never sooner than a second after the last sweep). */
  #scheduleSweep(at: number, now: number): void {
    if (this.#sweep && this.#sweepAt <= at) return;
    if (this.#sweep) this.#clock.clearTimeout(this.#sweep);
    this.#sweepAt = at;
    this.#sweep = this.#clock.setTimeout(() => this.#runSweep(), Math.max(0, at - now));
    this.#sweep.unref();
  }

  #runSweep(): void {
    this.#sweep = undefined;
    this.#sweepAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const track of [...this.#udp.values()]) {
      const at = track.entry.expiresAt as number;
      if (at <= now) this.#end(track);
      else if (at < next) next = at;
    }
    if (next !== Number.POSITIVE_INFINITY)
      this.#scheduleSweep(Math.max(next, now + SWEEP_MIN_INTERVAL_MS), now);
  }
}

/**
 * Renders entries as `conntrack -L` prints them:
 * `tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.10.2 sport=51234 dport=30080 src=10.244.1.5 dst=127.0.10.2 sport=8080 dport=51234 [ASSURED] mark=0 use=1`
 * `udp      17 29 src=127.0.0.1 dst=127.0.10.2 sport=45678 dport=30053 [UNREPLIED] src=10.244.1.5 dst=127.0.10.2 sport=5353 dport=40001 mark=0 use=1`
 * (a UDP entry's seconds left are its own timeout, `[UNREPLIED]` sits between
 * the tuples until the endpoint answered, `[ASSURED]` after them once it is a stream).
 */
export function formatConntrack(entries: readonly ConntrackEntry[], now: number): string {
  const lines = entries.map((e) => {
    if (e.expiresAt !== undefined) return formatUdp(e, now);
    const proto = e.protocol.toLowerCase();
    const num = e.protocol === 'TCP' ? 6 : e.protocol === 'UDP' ? 17 : 132;
    const timeout = e.protocol === 'TCP' ? (e.state === 'ESTABLISHED' ? 432000 : 120) : 30;
    const left = Math.max(0, timeout - Math.floor((now - e.createdAt) / 1000));
    const state = e.protocol === 'TCP' ? `${e.state} ` : '';
    const o = e.original;
    const r = e.reply;
    const assured = e.state === 'ESTABLISHED' ? '[ASSURED] ' : '';
    return `${proto.padEnd(8)} ${num} ${left} ${state}src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport} src=${r.src} dst=${r.dst} sport=${r.sport} dport=${r.dport} ${assured}mark=0 use=1`;
  });
  const count = entries.length;
  return `${lines.join('\n')}${lines.length ? '\n' : ''}conntrack v1.4.7 (conntrack-tools): ${count} flow entries have been shown.\n`;
}

/** A UDP entry's line: no state word, its own countdown, `[UNREPLIED]` / `[ASSURED]` as conntrack-tools prints them. */
function formatUdp(e: ConntrackEntry, now: number): string {
  const left = Math.max(0, Math.floor(((e.expiresAt as number) - now) / 1000));
  const o = e.original;
  const r = e.reply;
  const unreplied = e.state === 'UNREPLIED' ? '[UNREPLIED] ' : '';
  const assured = e.assured ? '[ASSURED] ' : '';
  return `${'udp'.padEnd(8)} 17 ${left} src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport} ${unreplied}src=${r.src} dst=${r.dst} sport=${r.sport} dport=${r.dport} ${assured}mark=0 use=1`;
}
