/**
 * The access log line of ingress-nginx's default `log-format-upstream`
 * (internal/ingress/controller/config/config.go):
 *
 *   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 *   "$http_referer" "$http_user_agent" $request_length $request_time
 *   [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr
 *   $upstream_response_length $upstream_response_time $upstream_status $req_id
 *
 * Empty variables print `-`; the upstream variables list every attempt,
 * comma-separated, as nginx does after `proxy_next_upstream`. Pure.
 */

import { clfTime } from '../../util/time-text.js';

/** One attempt at an upstream. */
export interface UpstreamAttempt {
  readonly addr: string;
  /** Upstream status; 502 or 504 when the attempt failed without a response. */
  readonly status: number;
  readonly responseLength: number;
  readonly responseMs: number;
}

export interface AccessLogEntry {
  readonly remoteAddr: string;
  /**
   * `$time_local`: when the line is written, at the end of the request (ms
   * since epoch), as nginx's log phase reads its cached time then.
   */
  readonly timeMs: number;
  readonly method: string;
  readonly target: string;
  readonly httpVersion: string;
  readonly status: number;
  readonly bodyBytesSent: number;
  readonly referer: string | undefined;
  readonly userAgent: string | undefined;
  readonly requestLength: number;
  readonly requestMs: number;
  readonly upstreamName: string;
  readonly alternativeName: string;
  readonly attempts: readonly UpstreamAttempt[];
  readonly requestId: string;
}

/** nginx `$time_local` in UTC (the controller container's zone): `22/Nov/2026:01:20:00 +0000`. */
export const timeLocal: (ms: number) => string = clfTime;

const MS = Array.from({ length: 1000 }, (_, i) => `0.${String(i).padStart(3, '0')}`);

/** Seconds with millisecond precision (`0.003`). */
export function seconds(ms: number): string {
  // Whole milliseconds under a second (nearly every request) from a table; the same text as toFixed(3).
  if (ms >= 0 && ms < 1000 && Number.isInteger(ms)) return MS[ms] as string;
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/**
 * A value as nginx's log module escapes it (`ngx_http_log_escape`): control
 * characters, `"`, `\\`, DEL and bytes above 0x7f become `\\xHH`. `v` holds one
 * byte per character (latin1).
 */
export function escapeLogValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f)
      out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += v[i];
  }
  return out;
}

function quoted(v: string | undefined): string {
  if (v === undefined || v === '') return '"-"';
  if (!v.includes('"') && !v.includes('\\')) return `"${v}"`;
  return `"${v.replace(/["\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase()}`)}"`;
}

function list(attempts: readonly UpstreamAttempt[], f: (a: UpstreamAttempt) => string): string {
  return attempts.length === 0 ? '-' : attempts.map(f).join(', ');
}

function addrOf(a: UpstreamAttempt): string {
  return a.addr;
}

function lengthOf(a: UpstreamAttempt): string {
  return String(a.responseLength);
}

function timeOf(a: UpstreamAttempt): string {
  return seconds(a.responseMs);
}

function statusOf(a: UpstreamAttempt): string {
  return String(a.status);
}

/** `$upstream_addr $upstream_response_length $upstream_response_time $upstream_status`. */
function upstreamFields(attempts: readonly UpstreamAttempt[]): string {
  const one = attempts.length === 1 ? attempts[0] : undefined;
  if (one) return `${one.addr} ${one.responseLength} ${seconds(one.responseMs)} ${one.status}`;
  return `${list(attempts, addrOf)} ${list(attempts, lengthOf)} ${list(attempts, timeOf)} ${list(attempts, statusOf)}`;
}

/** Formats one access log line (no trailing newline). */
export function formatAccessLog(e: AccessLogEntry): string {
  const request = quoted(`${e.method} ${e.target} HTTP/${e.httpVersion}`);
  return (
    `${e.remoteAddr} - - [${timeLocal(e.timeMs)}] ${request} ${e.status} ${e.bodyBytesSent} ` +
    `${quoted(e.referer)} ${quoted(e.userAgent)} ${e.requestLength} ${seconds(e.requestMs)} ` +
    `[${e.upstreamName}] [${e.alternativeName}] ${upstreamFields(e.attempts)} ${e.requestId}`
  );
}
