/**
 * IPVS schedulers as the Linux kernel implements them (net/netfilter/ipvs/ip_vs_*.c),
 * over injected connection counts and cursor state so that a trace and a real
 * connection pick the same real server from the same state. Each returns the index of
 * the chosen real server, or undefined when none is available.
 */

import type { IpvsScheduler } from '../../topology/types.js';
import { assertNever } from '../../util/assert-never.js';
import { parseIPv4 } from '../ip.js';
import type { IpvsRealServer } from '../ruleset.js';
import type { IpvsCursor } from './types.js';

/** What a scheduler may look at. */
export interface SchedulerInput {
  readonly servers: readonly IpvsRealServer[];
  readonly counts: readonly { readonly active: number; readonly inactive: number }[];
  readonly cursor: IpvsCursor | undefined;
  readonly srcIP: string;
  readonly dstIP: string;
}

/** The choice and, for rr/wrr, the new cursor. */
export interface SchedulerChoice {
  readonly index: number | undefined;
  readonly cursor?: IpvsCursor;
}

const TAB_BITS = 8;
const TAB_SIZE = 1 << TAB_BITS;

function rr(input: SchedulerInput): SchedulerChoice {
  const n = input.servers.length;
  const start = input.cursor?.index ?? -1;
  for (let step = 1; step <= n; step++) {
    const i = (((start + step) % n) + n) % n;
    if ((input.servers[i]?.weight ?? 0) > 0) return { index: i, cursor: { index: i, weight: 0 } };
  }
  return { index: undefined };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** ip_vs_wrr: interleaved weighted round robin (cursor = last index and current weight). */
function wrr(input: SchedulerInput): SchedulerChoice {
  const weights = input.servers.map((s) => s.weight);
  const mw = Math.max(0, ...weights);
  if (mw === 0) return { index: undefined };
  const di = weights.filter((w) => w > 0).reduce(gcd);
  let i = input.cursor?.index ?? -1;
  let cw = input.cursor?.weight ?? mw;
  for (let guard = 0; guard < weights.length * (mw / di + 1) + 1; guard++) {
    i++;
    if (i >= weights.length) {
      i = -1;
      cw -= di;
      if (cw <= 0) cw = mw;
      continue;
    }
    if ((weights[i] as number) >= cw) return { index: i, cursor: { index: i, weight: cw } };
  }
  return { index: undefined };
}

function overhead(input: SchedulerInput, i: number): number {
  const c = input.counts[i] ?? { active: 0, inactive: 0 };
  return c.active * 256 + c.inactive;
}

/** lc/wlc/sed/nq: minimise a cost over servers with weight > 0; ties keep the first. */
function leastCost(input: SchedulerInput, cost: (i: number) => number, idleFirst: boolean): SchedulerChoice {
  let best: number | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let i = 0; i < input.servers.length; i++) {
    if ((input.servers[i]?.weight ?? 0) <= 0) continue;
    if (idleFirst && (input.counts[i]?.active ?? 0) === 0) return { index: i };
    const c = cost(i);
    if (c < bestCost) {
      bestCost = c;
      best = i;
    }
  }
  return { index: best };
}

function hashBucket(value: number, multiplier: number): number {
  return (Math.imul(value >>> 0, multiplier) >>> 0) & (TAB_SIZE - 1);
}

/** dh/sh: a 256-bucket table filled round robin over the servers, indexed by an address hash. */
function hashed(input: SchedulerInput, address: string, multiplier: number): SchedulerChoice {
  const n = input.servers.length;
  if (n === 0) return { index: undefined };
  const bucket = hashBucket(parseIPv4(address) ?? 0, multiplier);
  const index = bucket % n;
  return { index: (input.servers[index]?.weight ?? 0) > 0 ? index : undefined };
}

/** Runs `scheduler` over the input. */
export function schedule(scheduler: IpvsScheduler, input: SchedulerInput): SchedulerChoice {
  const weight = (i: number) => input.servers[i]?.weight ?? 1;
  const active = (i: number) => input.counts[i]?.active ?? 0;
  switch (scheduler) {
    case 'rr':
      return rr(input);
    case 'wrr':
      return wrr(input);
    case 'lc':
      return leastCost(input, (i) => overhead(input, i), false);
    case 'wlc':
      return leastCost(input, (i) => overhead(input, i) / weight(i), false);
    case 'sed':
      return leastCost(input, (i) => (active(i) + 1) / weight(i), false);
    case 'nq':
      return leastCost(input, (i) => (active(i) + 1) / weight(i), true);
    case 'dh':
      return hashed(input, input.dstIP, 0x9e3779b1);
    case 'sh':
      return hashed(input, input.srcIP, 0x61c88647);
    default:
      return assertNever(scheduler, 'ipvs scheduler');
  }
}
