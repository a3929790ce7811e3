/**
 * Turns one deterministic walk into a distribution: every random decision (statistic,
 * numgen) is forked and the walk replayed per branch, as kube-proxy's test tracer
 * follows every statistic branch. Each leaf carries the product of its branch
 * probabilities, so a service with n endpoints yields n candidates of 1/n each.
 */
import type { Decider } from './types.js';

/** One branch outcome and its probability. */
export interface Outcome<T> {
  readonly value: T;
  readonly probability: number;
}

/** A decision taken on a branch: which option, out of how many, with what probability. */
interface Step {
  readonly choice: number;
  readonly options: readonly number[];
}

/** Replays `walk` along every decision path. Bounded to `limit` leaves (then throws). */
export function exploreAll<T>(walk: (decider: Decider) => T, limit = 100_000): Outcome<T>[] {
  const outcomes: Outcome<T>[] = [];
  const pending: number[][] = [[]];
  while (pending.length > 0) {
    const prefix = pending.pop() as number[];
    const steps: Step[] = [];
    const take = (probabilities: readonly number[]): number => {
      const i = steps.length;
      const choice = i < prefix.length ? (prefix[i] as number) : firstPossible(probabilities);
      if (i >= prefix.length) {
        for (let alt = probabilities.length - 1; alt > choice; alt--) {
          if ((probabilities[alt] as number) > 0) pending.push([...steps.map((s) => s.choice), alt]);
        }
      }
      steps.push({ choice, options: probabilities });
      return choice;
    };
    const decider: Decider = {
      bernoulli: (p) => take([p, 1 - p]) === 0,
      uniform: (n) => take(new Array<number>(n).fill(1 / n)),
    };
    const value = walk(decider);
    const probability = steps.reduce((acc, s) => acc * (s.options[s.choice] as number), 1);
    outcomes.push({ value, probability });
    if (outcomes.length > limit) throw new Error(`More than ${limit} possible outcomes`);
  }
  return outcomes;
}

function firstPossible(probabilities: readonly number[]): number {
  const i = probabilities.findIndex((p) => p > 0);
  return Math.max(i, 0);
}
