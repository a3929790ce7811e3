/**
 * `netkube curl --count N [--interval D] URL`: the same request sent N times,
 * one after another with D between the end of one and the start of the next
 * (what `for i in $(seq N); do curl -s URL; sleep D; done` does), summarised
 * instead of printed: how many succeeded and failed, the status codes, the
 * transport errors, and the first and last answers. A request fails as with
 * `curl --fail`: no response (refused, reset, timed out), or a status of 400
 * or more. The summary has no timings, so it reads the same on every run
 * whose requests met the same fate (a rollout lesson can show "0 failed").
 */
import { STATUS_CODES } from 'node:http';

/** What one request came to: a response, or the transport error curl would print. */
export type CurlOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly body: string }
  | { readonly kind: 'error'; readonly message: string };

/** The tally of a run of requests (pure data; `formatCurlSummary` prints it). */
export interface CurlSummary {
  readonly sent: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Responses per status code, ascending by code. */
  readonly statuses: ReadonlyArray<{ readonly status: number; readonly count: number }>;
  /** Transport errors per message, in order of first occurrence. */
  readonly errors: ReadonlyArray<{ readonly message: string; readonly count: number }>;
  readonly first?: CurlOutcome;
  readonly last?: CurlOutcome;
}

/** Whether an outcome counts as a failure (`curl --fail`: no response, or status ≥ 400). */
export function isFailure(outcome: CurlOutcome): boolean {
  return outcome.kind === 'error' || outcome.status >= 400;
}

/** Tallies outcomes, in the order they were sent. */
export function summariseCurls(outcomes: readonly CurlOutcome[]): CurlSummary {
  const statuses = new Map<number, number>();
  const errors = new Map<string, number>();
  let failed = 0;
  for (const o of outcomes) {
    if (isFailure(o)) failed++;
    if (o.kind === 'response') statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    else {
      // curl's "after 3 ms" differs between otherwise equal failures: tally them as one.
      const message = o.message.replace(/ after \d+ ms:/, ':');
      errors.set(message, (errors.get(message) ?? 0) + 1);
    }
  }
  const first = outcomes[0];
  const last = outcomes[outcomes.length - 1];
  return {
    sent: outcomes.length,
    succeeded: outcomes.length - failed,
    failed,
    statuses: [...statuses].sort((a, b) => a[0] - b[0]).map(([status, count]) => ({ status, count })),
    errors: [...errors].map(([message, count]) => ({ message, count })),
    ...(first ? { first } : {}),
    ...(last ? { last } : {}),
  };
}

/** An outcome in one line: the body's first non-empty line (at most 100 characters), or the error. */
export function outcomeLine(o: CurlOutcome): string {
  if (o.kind === 'error') return `(failed) ${o.message}`;
  const line = o.body.split('\n').find((l) => l.trim() !== '') ?? '';
  const text = line.length > 100 ? `${line.slice(0, 99)}…` : line;
  return o.status >= 400 ? `(${o.status}) ${text}` : text;
}

/**
 * The summary as printed:
 *
 *     40 requests: 40 succeeded, 0 failed
 *       40 × 200 OK
 *     first response: web-7f7d7c5bb4-rfnjg
 *     last response:  web-5d6b8c7d9-x2x7k
 */
export function formatCurlSummary(s: CurlSummary): string {
  const lines = [`${s.sent} request${s.sent === 1 ? '' : 's'}: ${s.succeeded} succeeded, ${s.failed} failed`];
  for (const { status, count } of s.statuses)
    lines.push(`  ${count} × ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd());
  for (const { message, count } of s.errors) lines.push(`  ${count} × ${message}`);
  if (s.first) lines.push(`first response: ${outcomeLine(s.first)}`);
  if (s.last) lines.push(`last response:  ${outcomeLine(s.last)}`);
  return `${lines.join('\n')}\n`;
}

export interface RepeatOptions {
  readonly count: number;
  readonly intervalMs: number;
  /** Sends one request; resolves with its outcome (rejects only for errors that end the run). */
  readonly send: () => Promise<CurlOutcome>;
  /** Waits `ms` (resolves early when the run is cancelled). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal: AbortSignal;
}

/** Sends `count` requests in sequence with `intervalMs` between them; stops early when `signal` aborts. */
export async function repeatCurl(options: RepeatOptions): Promise<CurlOutcome[]> {
  const outcomes: CurlOutcome[] = [];
  for (let i = 0; i < options.count && !options.signal.aborted; i++) {
    if (i > 0 && options.intervalMs > 0) {
      await options.sleep(options.intervalMs);
      if (options.signal.aborted) break;
    }
    outcomes.push(await options.send());
  }
  return outcomes;
}
