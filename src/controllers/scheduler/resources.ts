/**
 * Resource quantities and pod requests as the scheduler counts them
 * (apimachinery `resource.Quantity`, component-helpers `resource.PodRequests`):
 * CPU in millicores, memory in bytes, both rounded up as `MilliValue()` and
 * `Value()` do; a pod's request is its containers' sum, at least its largest
 * init container's (restartable init containers add up), plus overhead.
 */
import type { Container, PodSpec } from '../../api/types.js';

/** What one pod asks of a node. */
export interface Requests {
  readonly milliCPU: number;
  readonly memory: number;
}

/** CPU assumed for a container that requests none, for scoring only (`DefaultMilliCPURequest`). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** Memory assumed for a container that requests none, for scoring only (`DefaultMemoryRequest`). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a quantity (`500m`, `1.5`, `128Mi`, `1e3`, `2G`) into base units.
 * Returns undefined for text that is not a quantity (validation reports it).
 */
export function parseQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * (SUFFIX[m[3] ?? ''] ?? 1);
}

/** CPU in millicores, rounded up (`MilliValue`). */
export function milliCPU(q: string | number | undefined): number {
  return remembered(MILLI_CPU, q, milliCPUOf);
}

function milliCPUOf(q: string | number | undefined): number {
  const v = parseQuantity(q);
  return v === undefined ? 0 : Math.ceil(Number((v * 1000).toPrecision(15)));
}

/** Bytes (or a count), rounded up (`Value`). */
export function integerValue(q: string | number | undefined): number {
  return remembered(INTEGER_VALUE, q, integerValueOf);
}

function integerValueOf(q: string | number | undefined): number {
  const v = parseQuantity(q);
  return v === undefined ? 0 : Math.ceil(Number(v.toPrecision(15)));
}

/**
 * Converted quantities by their text: every pod of a Deployment repeats the
 * same few requests, and scheduling converts them for every pod. Bounded.
 */
const MILLI_CPU = new Map<string | number | undefined, number>();
const INTEGER_VALUE = new Map<string | number | undefined, number>();

function remembered(
  cache: Map<string | number | undefined, number>,
  q: string | number | undefined,
  convert: (q: string | number | undefined) => number,
): number {
  const known = cache.get(q);
  if (known !== undefined) return known;
  const v = convert(q);
  if (cache.size >= 4096) cache.clear();
  cache.set(q, v);
  return v;
}

type Resources = { cpu?: string | number; memory?: string | number } | undefined;

function containerRequests(c: Container, nonZero: boolean): { milliCPU: number; memory: number } {
  const r = c.resources?.requests as Resources;
  const hasCPU = r?.cpu !== undefined;
  const hasMemory = r?.memory !== undefined;
  return {
    milliCPU: hasCPU ? milliCPU(r?.cpu) : nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0,
    memory: hasMemory ? integerValue(r?.memory) : nonZero ? DEFAULT_MEMORY_REQUEST : 0,
  };
}

/**
 * The pod's requests. With `nonZero`, a container that does not state a CPU or
 * memory request counts as 100m / 200Mi (what scoring uses, so that empty pods
 * still spread).
 */
export function podRequests(spec: PodSpec | undefined, nonZero: boolean): Requests {
  let cpu = 0;
  let memory = 0;
  for (const c of spec?.containers ?? []) {
    const r = containerRequests(c, nonZero);
    cpu += r.milliCPU;
    memory += r.memory;
  }
  let restartableCPU = 0;
  let restartableMemory = 0;
  let initCPU = 0;
  let initMemory = 0;
  for (const c of spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      cpu += r.milliCPU;
      memory += r.memory;
      restartableCPU += r.milliCPU;
      restartableMemory += r.memory;
      initCPU = Math.max(initCPU, restartableCPU);
      initMemory = Math.max(initMemory, restartableMemory);
    } else {
      initCPU = Math.max(initCPU, r.milliCPU + restartableCPU);
      initMemory = Math.max(initMemory, r.memory + restartableMemory);
    }
  }
  cpu = Math.max(cpu, initCPU);
  memory = Math.max(memory, initMemory);
  const overhead = spec?.overhead as Resources;
  if (overhead) {
    cpu += milliCPU(overhead.cpu);
    memory += integerValue(overhead.memory);
  }
  return { milliCPU: cpu, memory };
}
