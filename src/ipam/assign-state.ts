/**
 * The two objects an automatic assignment works with (`auto-assign.ts`): the
 * request as the allocator resolved it and the addresses and messages it
 * gathers. A `CalicoIpam` owns one of each and refills it for every
 * assignment, so an assignment makes no objects of its own besides what it
 * returns and stores.
 *
 * Why: the 100,000-pod benchmark showed the young-generation garbage of each
 * assignment in its time (each 56 bytes more per pod cost about 5 %, from
 * more frequent scavenges), and these were about 230 bytes per pod: a
 * 12-field request, a result with two arrays, and the one-address array
 * each block handed back.
 *
 * Reuse is safe because an assignment never starts another one before it
 * returns (nothing it calls calls back into the allocator), and callers copy
 * what they keep (`CalicoIpam` turns the addresses into text at once).
 */
import type { AutoAssignRequest } from './auto-assign.js';
import { objectArray } from './block-arrays.js';
import type { Labels } from './calico-selector.js';
import type { Pool } from './pools.js';

/** No messages (frozen: `AssignResult.message` gives a result its own array first). */
const NO_MESSAGES: readonly string[] = Object.freeze([]);

/** What an automatic assignment gathers: `count` addresses and Calico's messages. */
export class AssignResult {
  /** The addresses: the first `count` entries (a reused array, never shortened). */
  readonly ips: number[] = [];
  count = 0;
  /** Calico's assignment messages (`No IPs available in pools: […]`); a new array for each assignment that has any. */
  msgs: readonly string[] = NO_MESSAGES;

  /** Empties the result for the next assignment (the last one's `msgs` array is left to whoever holds it). */
  reset(): void {
    this.count = 0;
    this.msgs = NO_MESSAGES;
  }

  add(ip: number): void {
    this.ips[this.count++] = ip;
  }

  message(text: string): void {
    this.msgs = [...this.msgs, text];
  }

  /** The addresses as a new array, each through `format`. */
  map<T>(format: (ip: number) => T): T[] {
    if (this.count === 1) return [format(this.ips[0] as number)];
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(format(this.ips[i] as number));
    return out;
  }
}

/** The request of one automatic assignment (`AutoAssignRequest`), refilled per assignment. */
export class AssignRequestState implements AutoAssignRequest {
  num = 1;
  handleID = '';
  handleHash = 0;
  attrs: Readonly<Record<string, string>> = {};
  host = '';
  affinityCheck = false;
  hostLabels: Labels = undefined;
  pools: readonly Pool[] = objectArray();
  allPools: readonly Pool[] = objectArray();
  now = 0;
}
