/**
 * A source of randomness that can be seeded, so traces (`--seed`), tests and
 * benchmarks are reproducible. The dataplane uses the same interface as the
 * tracer, which is how a seeded trace predicts the endpoint a real connection takes.
 */
export interface Random {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/** Mulberry32: small, fast, good enough for load-balancing choices. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  function float(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return { float, int: (n) => Math.floor(float() * n) };
}

/**
 * A stream of its own, seeded from `parent`'s next draw: components that each
 * get one at start-up (in a fixed order) make choices that do not depend on how
 * often the others drew before them, which depends on timing.
 */
export function forkRandom(parent: Random): Random {
  return seededRandom(Math.floor(parent.float() * 0x100000000));
}

/** `Math.random`-backed randomness for production paths. */
export const systemRandom: Random = {
  float: () => Math.random(),
  int: (n) => Math.floor(Math.random() * n),
};
