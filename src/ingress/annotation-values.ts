/**
 * Reading `nginx.ingress.kubernetes.io/*` values as ingress-nginx's
 * `parser.GetBoolAnnotation`/`GetIntAnnotation`/`GetStringAnnotation` do: an
 * absent key yields the default silently; a present but invalid value yields
 * the default and an `invalid-annotation` diagnostic (ingress-nginx logs
 * "<key> is invalid, defaulting to …"). Pure.
 */
import type { Diagnostic } from './diagnostics.js';
import type { IngressRef } from './types.js';

export const ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

/** Reads the annotations of one Ingress, collecting diagnostics. */
export class AnnotationReader {
  readonly #annotations: Readonly<Record<string, string>>;
  readonly #ingress: IngressRef;
  readonly diagnostics: Diagnostic[] = [];

  constructor(annotations: Readonly<Record<string, string>>, ingress: IngressRef) {
    this.#annotations = annotations;
    this.#ingress = ingress;
  }

  /** The raw value of `key` (without prefix), or undefined when absent. */
  raw(key: string): string | undefined {
    return this.#annotations[ANNOTATION_PREFIX + key];
  }

  /** Whether the Ingress sets `key`. */
  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A Go `strconv.ParseBool` value. */
  bool(key: string, def: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined) return def;
    const parsed = parseGoBool(v);
    if (parsed === undefined) return this.invalid(key, v, String(def), def);
    return parsed;
  }

  /** A Go `strconv.Atoi` value, optionally bounded. */
  int(key: string, def: number, min = Number.MIN_SAFE_INTEGER): number {
    const v = this.raw(key);
    if (v === undefined) return def;
    const n = /^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) return this.invalid(key, v, String(def), def);
    return n;
  }

  /** A non-empty string, optionally checked by `valid`. */
  string(key: string, valid?: (v: string) => boolean): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === '') return undefined;
    if (valid && !valid(v)) return this.invalid(key, v, "''", undefined);
    return v;
  }

  /** One of `values` (compared upper- or lower-case as given), or `def`. */
  oneOf<T extends string>(key: string, values: readonly T[], def: T, fold: 'upper' | 'lower'): T {
    const v = this.raw(key);
    if (v === undefined) return def;
    const folded = fold === 'upper' ? v.toUpperCase() : v.toLowerCase();
    const hit = values.find((x) => x === folded);
    return hit ?? this.invalid(key, v, `'${def}'`, def);
  }

  /** Records an invalid value that denies every location of the Ingress (503). */
  denied(key: string, value: string): void {
    this.diagnostics.push({
      kind: 'invalid-annotation',
      ingress: this.#ingress,
      annotation: ANNOTATION_PREFIX + key,
      message: `${ANNOTATION_PREFIX}${key} is invalid (${JSON.stringify(value)}): annotation ${ANNOTATION_PREFIX}${key} contains invalid value; every path of this Ingress answers 503`,
    });
  }

  /** Records an invalid value and returns `fallback`. */
  invalid<T>(key: string, value: string, shown: string, fallback: T): T {
    this.diagnostics.push({
      kind: 'invalid-annotation',
      ingress: this.#ingress,
      annotation: ANNOTATION_PREFIX + key,
      message: `${ANNOTATION_PREFIX}${key} is invalid (${JSON.stringify(value)}), defaulting to ${shown}`,
    });
    return fallback;
  }
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(v: string): boolean | undefined {
  switch (v) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

/** An nginx size (`1m`, `8k`, `512`, `0`) in bytes, or undefined when malformed. */
export function parseNginxSize(v: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  switch ((m[2] ?? '').toLowerCase()) {
    case 'k':
      return n * 1024;
    case 'm':
      return n * 1024 * 1024;
    case 'g':
      return n * 1024 * 1024 * 1024;
    default:
      return n;
  }
}
