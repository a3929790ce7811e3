/**
 * Kubernetes resource quantities (`k8s.io/apimachinery/pkg/api/resource`):
 * `100m`, `1.5`, `128Mi`, `1G`, `1e3`. Parsed exactly (a bigint numerator over
 * a power of ten, so `0.1` and `1Ei` lose nothing), and printed back in the
 * canonical form the API server stores (`1.5` → `1500m`, `1024Mi` → `1Gi`,
 * `1000` → `1k`). The scheduler reads CPU in milli-units and memory in bytes;
 * the topology loader validates node capacity with it.
 */

/** How a quantity prints: by its suffix family, as `resource.Format`. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact quantity: `n / 10^scale`, with the format it was written in. */
export interface Quantity {
  readonly n: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
}

/** The API server's message for a malformed quantity (`resource.ErrFormatWrong`). */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX: Record<number, string> = Object.fromEntries(
  Object.entries(DECIMAL).map(([suffix, exp]) => [exp, suffix]),
);
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function pow10(e: number): bigint {
  return 10n ** BigInt(e);
}

/** Splits `-1.5Gi` into sign, integer digits, fraction digits and suffix. */
function splitQuantity(
  text: string,
): { negative: boolean; digits: string; frac: string; suffix: string } | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2] ?? '';
  const frac = m[3] ?? '';
  if (digits.length + frac.length === 0) return undefined;
  return { negative: m[1] === '-', digits, frac, suffix: m[4] ?? '' };
}

/** Interprets a suffix: a power of ten, or of 1024, or undefined when malformed. */
function parseSuffix(suffix: string): { format: QuantityFormat; exp10: number; exp1024: number } | undefined {
  if (suffix in BINARY) return { format: 'BinarySI', exp10: 0, exp1024: BINARY[suffix] ?? 0 };
  if (suffix in DECIMAL) return { format: 'DecimalSI', exp10: DECIMAL[suffix] ?? 0, exp1024: 0 };
  const m = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (m) return { format: 'DecimalExponent', exp10: Number(m[1]), exp1024: 0 };
  return undefined;
}

/**
 * Parses a quantity as the API server decodes one; numbers (YAML `cpu: 1`)
 * are read through their decimal text. Returns undefined when malformed
 * (report `QUANTITY_FORMAT_MESSAGE`).
 */
export function parseQuantity(input: string | number): Quantity | undefined {
  // A cluster repeats a handful of quantities ("100m", "128Mi") across every pod.
  const cached = quantityCache.get(input);
  if (cached !== undefined || quantityCache.has(input)) return cached;
  const q = parseQuantityText(input);
  if (quantityCache.size >= 4096) quantityCache.clear();
  quantityCache.set(input, q);
  return q;
}

const quantityCache = new Map<string | number, Quantity | undefined>();

function parseQuantityText(input: string | number): Quantity | undefined {
  const text = typeof input === 'number' ? numberText(input) : input.trim();
  if (text === undefined) return undefined;
  const parts = splitQuantity(text);
  if (!parts) return undefined;
  const suffix = parseSuffix(parts.suffix);
  if (!suffix || Math.abs(suffix.exp10) > 1000) return undefined;
  let n = BigInt(`${parts.digits}${parts.frac}` || '0');
  let scale = parts.frac.length - suffix.exp10;
  n *= 1024n ** BigInt(suffix.exp1024);
  if (scale < 0) {
    n *= pow10(-scale);
    scale = 0;
  }
  return normalise({ n: parts.negative ? -n : n, scale, format: suffix.format });
}

function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n).replace('e+', 'e');
}

/** Removes trailing decimal zeros from the fraction so equal values compare equal. */
function normalise(q: Quantity): Quantity {
  let { n, scale } = q;
  while (scale > 0 && n % 10n === 0n) {
    n /= 10n;
    scale--;
  }
  return { n, scale, format: q.format };
}

/** Ceiling of `n / d` for a positive divisor. */
function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n > 0n ? q + 1n : q;
}

/** The value in milli-units, rounded up (`Quantity.MilliValue`); `100m` → 100, `2` → 2000. */
export function milliValueOf(q: Quantity): bigint {
  return ceilDiv(q.n * 1000n, pow10(q.scale));
}

/** The value rounded up to an integer (`Quantity.Value`); `128Mi` → 134217728. */
export function wholeValueOf(q: Quantity): bigint {
  return ceilDiv(q.n, pow10(q.scale));
}

/** Milli-units of a quantity text (CPU), or undefined when malformed. */
export function toMilli(input: string | number): number | undefined {
  const q = parseQuantity(input);
  return q ? Number(milliValueOf(q)) : undefined;
}

/** Whole units of a quantity text (memory bytes, pods), rounded up, or undefined when malformed. */
export function toValue(input: string | number): number | undefined {
  const q = parseQuantity(input);
  return q ? Number(wholeValueOf(q)) : undefined;
}

/** Rounds up to a whole milli-unit, as the API server does to every resource list on write. */
export function roundUpToMilli(q: Quantity): Quantity {
  if (q.scale <= 3) return q;
  return normalise({ n: milliValueOf(q), scale: 3, format: q.format });
}

/** A DecimalSI quantity of `milli` milli-units (`resource.NewMilliQuantity`). */
export function quantityFromMilli(milli: number | bigint): Quantity {
  return normalise({ n: BigInt(milli), scale: 3, format: 'DecimalSI' });
}

/** A quantity of whole units in the given format (`resource.NewQuantity`). */
export function quantityFromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { n: BigInt(value), scale: 0, format };
}

/** -1, 0 or 1 (`Quantity.Cmp`). */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const scale = Math.max(a.scale, b.scale);
  const an = a.n * pow10(scale - a.scale);
  const bn = b.n * pow10(scale - b.scale);
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** Mantissa and power-of-ten exponent (a multiple of 3), as `AsCanonicalBytes`. */
function canonicalDecimal(q: Quantity): { mantissa: bigint; exponent: number } {
  let mantissa = q.n;
  let exponent = -q.scale;
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const rem = ((exponent % 3) + 3) % 3;
  if (rem !== 0) {
    mantissa *= pow10(rem);
    exponent -= rem;
  }
  return { mantissa, exponent };
}

function decimalText(q: Quantity, format: QuantityFormat): string {
  const { mantissa, exponent } = canonicalDecimal(q);
  if (exponent === 0) return mantissa.toString();
  const suffix = format === 'DecimalSI' ? DECIMAL_SUFFIX[exponent] : undefined;
  return suffix === undefined ? `${mantissa}e${exponent}` : `${mantissa}${suffix}`;
}

/**
 * The canonical text (`Quantity.String`): `1500m`, `2`, `1k`, `1Gi`, `1536Mi`,
 * `1e3`. BinarySI values below 1024 or with a fraction print as DecimalSI, as
 * upstream does to avoid rounding.
 */
export function formatQuantity(q: Quantity): string {
  if (q.n === 0n) return '0';
  if (q.format !== 'BinarySI') return decimalText(q, q.format);
  const whole = q.scale === 0 ? q.n : undefined;
  if (whole === undefined || (whole > -1024n && whole < 1024n)) return decimalText(q, 'DecimalSI');
  let amount = whole;
  let exp = 0;
  while (exp < BINARY_SUFFIX.length - 1 && amount % 1024n === 0n) {
    amount /= 1024n;
    exp++;
  }
  return `${amount}${BINARY_SUFFIX[exp]}`;
}

/** Parses and re-prints in canonical form; undefined when malformed. */
export function canonicalQuantity(input: string | number): string | undefined {
  const q = parseQuantity(input);
  return q ? formatQuantity(q) : undefined;
}
