/**
 * Fault injection for teaching, read from pod annotations (documented in
 * docs/fault-injection.md). `parseFaultAnnotations` is pure: it never throws on
 * a user's annotation, it returns diagnostics naming the annotation and what is
 * wrong, and ignores that annotation.
 */
import { parseGoDuration } from '../util/duration.js';

/** Prefix of every fault annotation. */
export const FAULT_ANNOTATION_PREFIX = 'netkube.dev/fault-';

/** What the annotations ask for. Durations in milliseconds. */
export interface FaultPlan {
  /** Only this container is affected (all when undefined). */
  readonly container?: string;
  /** Fixed latency added before each request (HTTP) or connection (other TCP). */
  readonly latencyMs: number;
  /** Extra random latency, uniform in [0, jitterMs). */
  readonly jitterMs: number;
  /** Fraction of requests (or connections) that fail, 0..1. */
  readonly errorRate: number;
  /** How a failing request fails: the server's own HTTP 500, or a TCP reset. */
  readonly errorMode: 'http-500' | 'reset';
  /** Readiness probes start failing this long after the container started. */
  readonly readinessFailAfterMs?: number;
  /** …for this long (forever when undefined). */
  readonly readinessFailForMs?: number;
  /** Readiness alternates: up for `upMs`, then down for `downMs`, repeating from start. */
  readonly readinessFlap?: { readonly upMs: number; readonly downMs: number };
  /** The process exits after serving this many requests (or connections). */
  readonly crashAfterRequests?: number;
  /** The process exits this long after it started. */
  readonly crashAfterMs?: number;
  /** Exit code of an injected crash. */
  readonly crashExitCode: number;
  /** New connections are refused (ECONNREFUSED) while the container runs. */
  readonly refuseConnections: boolean;
}

export interface FaultParseResult {
  /** Undefined when no fault annotation is present. */
  readonly plan: FaultPlan | undefined;
  /** One line per ignored annotation: `netkube.dev/fault-latency: "abc" is not a duration (e.g. 200ms)`. */
  readonly diagnostics: readonly string[];
}

const KNOWN = [
  'container',
  'latency',
  'latency-jitter',
  'error-rate',
  'error-mode',
  'readiness-fail-after',
  'readiness-fail-for',
  'readiness-flap',
  'crash-after-requests',
  'crash-after',
  'crash-exit-code',
  'refuse-connections',
] as const;

type Key = (typeof KNOWN)[number];

function duration(value: string): number | undefined {
  const ms = parseGoDuration(value);
  return ms !== undefined && ms >= 0 ? ms : undefined;
}

function rate(value: string): number | undefined {
  const t = value.trim();
  const n = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  return t !== '' && Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

function integer(value: string, min: number, max: number): number | undefined {
  const n = Number(value.trim());
  return /^\s*\d+\s*$/.test(value) && n >= min && n <= max ? n : undefined;
}

/** Reads the `netkube.dev/fault-*` annotations of a pod. */
export function parseFaultAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): FaultParseResult {
  const diagnostics: string[] = [];
  const found = new Map<Key, string>();
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!key.startsWith(FAULT_ANNOTATION_PREFIX)) continue;
    const name = key.slice(FAULT_ANNOTATION_PREFIX.length);
    if ((KNOWN as readonly string[]).includes(name)) found.set(name as Key, value);
    else
      diagnostics.push(
        `${key}: unknown fault annotation (known: ${KNOWN.map((k) => FAULT_ANNOTATION_PREFIX + k).join(', ')})`,
      );
  }
  if (found.size === 0) return { plan: undefined, diagnostics };
  const bad = (key: Key, value: string, want: string) =>
    diagnostics.push(`${FAULT_ANNOTATION_PREFIX}${key}: ${JSON.stringify(value)} is not ${want}`);
  const get = <T>(key: Key, parse: (v: string) => T | undefined, want: string): T | undefined => {
    const value = found.get(key);
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) bad(key, value, want);
    return parsed;
  };
  const D = 'a duration (e.g. 200ms, 30s)';
  const flap = get(
    'readiness-flap',
    (v) => {
      const [up, down, ...rest] = v.split('/');
      const upMs = duration(up ?? '');
      const downMs = duration(down ?? '');
      return rest.length === 0 && upMs && downMs ? { upMs, downMs } : undefined;
    },
    'up/down durations (e.g. 20s/10s)',
  );
  const mode = get(
    'error-mode',
    (v) => (v === 'http-500' || v === 'reset' ? v : undefined),
    'http-500 or reset',
  );
  const refuse = get(
    'refuse-connections',
    (v) => (v === 'true' ? true : v === 'false' ? false : undefined),
    'true or false',
  );
  const plan: FaultPlan = {
    ...(found.has('container') ? { container: found.get('container') ?? '' } : {}),
    latencyMs: get('latency', duration, D) ?? 0,
    jitterMs: get('latency-jitter', duration, D) ?? 0,
    errorRate: get('error-rate', rate, 'a rate between 0 and 1 (e.g. 0.1 or 10%)') ?? 0,
    errorMode: mode ?? 'http-500',
    ...optional('readinessFailAfterMs', get('readiness-fail-after', duration, D)),
    ...optional('readinessFailForMs', get('readiness-fail-for', duration, D)),
    ...optional('readinessFlap', flap),
    ...optional(
      'crashAfterRequests',
      get('crash-after-requests', (v) => integer(v, 1, 1e12), 'a positive integer'),
    ),
    ...optional('crashAfterMs', get('crash-after', duration, D)),
    crashExitCode: get('crash-exit-code', (v) => integer(v, 0, 255), 'an exit code 0-255') ?? 1,
    refuseConnections: refuse ?? false,
  };
  return { plan, diagnostics };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Whether readiness is forced down at `elapsedMs` after the container started.
 * Pure: the flap schedule starts "up" at container start.
 */
export function readinessForcedDown(plan: FaultPlan, elapsedMs: number): boolean {
  if (plan.readinessFailAfterMs !== undefined && elapsedMs >= plan.readinessFailAfterMs) {
    if (
      plan.readinessFailForMs === undefined ||
      elapsedMs < plan.readinessFailAfterMs + plan.readinessFailForMs
    ) {
      return true;
    }
  }
  if (plan.readinessFlap) {
    const period = plan.readinessFlap.upMs + plan.readinessFlap.downMs;
    return elapsedMs % period >= plan.readinessFlap.upMs;
  }
  return false;
}
