/**
 * Just enough of `resource.Quantity` for describe's resource tables: parse
 * `100m`, `2`, `128Mi`, `1G`; add; and print in Go's canonical form
 * (`1100m`, `1536Mi`, `2`, `0`).
 */

export interface Quantity {
  /** Value in base units (cores, bytes), possibly fractional. */
  readonly value: number;
  readonly binary: boolean;
}

const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Readonly<Record<string, number>> = {
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
};

/** Parses a quantity string; undefined when it is not one. */
export function parseQuantity(text: string | number | undefined): Quantity | undefined {
  if (text === undefined) return undefined;
  if (typeof text === 'number') return { value: text, binary: false };
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return { value: n * (BINARY[suffix] as number), binary: true };
  if (/^[eE]/.test(suffix)) return { value: n * 10 ** Number(suffix.slice(1)), binary: false };
  return { value: n * (DECIMAL[suffix] as number), binary: false };
}

/** Adds quantities; the result keeps the format of the first. */
export function addQuantities(qs: readonly Quantity[]): Quantity {
  return { value: qs.reduce((s, q) => s + q.value, 0), binary: qs[0]?.binary ?? false };
}

/** Go's canonical `Quantity.String()` for the value. */
export function formatQuantity(q: Quantity | undefined): string {
  if (!q || q.value === 0) return '0';
  if (q.binary && Number.isInteger(q.value)) {
    const units = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];
    for (const u of units) {
      const f = BINARY[u] as number;
      if (Math.abs(q.value) >= f && q.value % f === 0) return `${q.value / f}${u}`;
    }
    return String(q.value);
  }
  const milli = Math.round(q.value * 1000);
  const units: Array<[string, number]> = [
    ['E', 1e21],
    ['P', 1e18],
    ['T', 1e15],
    ['G', 1e12],
    ['M', 1e9],
    ['k', 1e6],
    ['', 1e3],
  ];
  for (const [u, f] of units) {
    if (milli % f === 0) return `${milli / f}${u}`;
  }
  return `${milli}m`;
}
