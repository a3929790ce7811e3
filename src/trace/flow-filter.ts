/**
 * Hubble-style flow filters (cilium `pkg/hubble/filters`): one filter per
 * dimension, values of one dimension OR'd (MatchOne), dimensions AND'd
 * (MatchAll). Parsed once per request, then applied per flow without
 * allocating.
 */
import type { FlowRecord } from '../dataplane/flow.js';

/** The dimensions `GET /flows` and `netkube flows` filter on. */
export interface FlowFilter {
  /** `[namespace/]name-prefix`: the source or destination pod (Hubble `--pod`). */
  readonly pod?: readonly string[];
  /** `[namespace/]name`: the destination Service (Hubble `--service`, netkube fills it on every flow). */
  readonly service?: readonly string[];
  /** FORWARDED, DROPPED, ERROR. */
  readonly verdict?: readonly string[];
  /** The source or destination pod's namespace. */
  readonly namespace?: readonly string[];
  /** The node that translated or observed the flow, or any node it crossed. */
  readonly node?: readonly string[];
  /** TCP or UDP. */
  readonly protocol?: readonly string[];
  /** A source, destination or Service port. */
  readonly port?: readonly number[];
  /** Hubble `--type`: `l7` (HTTP records), `trace` (L3/L4 records delivered), `drop` (L3/L4 records dropped). */
  readonly type?: readonly FlowEventType[];
  /** Hubble `--http-status`: `404` (a whole code) or `4+`, `40+` (a prefix). L7 records only. */
  readonly httpStatus?: readonly string[];
  /** Hubble `--http-method`: compared case-insensitively. L7 records only. */
  readonly httpMethod?: readonly string[];
  /** Hubble `--http-path`: regular expressions tested against the URL's path (no query). L7 records only. */
  readonly httpPath?: readonly RegExp[];
}

/** The `--type` values that fit netkube's records (Hubble's event types of the same meaning). */
export type FlowEventType = 'l7' | 'trace' | 'drop';
const EVENT_TYPES: readonly string[] = ['l7', 'trace', 'drop'] satisfies FlowEventType[];

/** Query parameters of `GET /flows` (the HTTP ones as in Hubble's FlowFilter: `http_status_code` is `http_status`). */
export const FLOW_FILTER_KEYS = [
  'pod',
  'service',
  'verdict',
  'namespace',
  'node',
  'protocol',
  'port',
  'type',
  'http_status',
  'http_method',
  'http_path',
] as const;

const STATUS_FULL = /^[1-5][0-9]{2}$/;
const STATUS_PREFIX = /^[1-5][0-9]?\+$/;

/** Parses filter query parameters (repeated or comma-separated values); returns an error message for bad ones. */
export function parseFlowFilter(query: URLSearchParams): FlowFilter | string {
  const out: Record<string, unknown> = {};
  for (const key of FLOW_FILTER_KEYS) {
    const values = query
      .getAll(key)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length === 0) continue;
    if (key === 'port') {
      const ports = values.map(Number);
      const badPort = values.find(
        (_, i) => !Number.isInteger(ports[i]) || (ports[i] as number) < 1 || (ports[i] as number) > 65535,
      );
      if (badPort !== undefined) return `invalid port "${badPort}"`;
      out.port = ports;
    } else if (key === 'verdict') {
      const verdicts = values.map((v) => v.toUpperCase());
      const badVerdict = verdicts.find((v) => !['FORWARDED', 'DROPPED', 'ERROR'].includes(v));
      if (badVerdict) return `invalid verdict "${badVerdict}": FORWARDED, DROPPED or ERROR`;
      out.verdict = verdicts;
    } else if (key === 'protocol') {
      out.protocol = values.map((v) => v.toUpperCase());
    } else if (key === 'type') {
      const types = values.map((v) => v.toLowerCase());
      const badType = types.find((t) => !EVENT_TYPES.includes(t));
      if (badType !== undefined) return `invalid type "${badType}": l7, trace or drop`;
      out.type = types;
    } else if (key === 'http_status') {
      const badStatus = values.find((v) => !STATUS_FULL.test(v) && !STATUS_PREFIX.test(v));
      if (badStatus !== undefined)
        return `invalid http status code filter: invalid status code prefix: "${badStatus}"`;
      out.httpStatus = values.map((v) => v.replace(/\+$/, ''));
    } else if (key === 'http_method') {
      out.httpMethod = values.map((v) => v.toUpperCase());
    } else if (key === 'http_path') {
      const paths = parsePaths(query.getAll(key));
      if (typeof paths === 'string') return paths;
      out.httpPath = paths;
    } else out[key] = values;
  }
  return out as FlowFilter;
}

/** Path regexes are taken whole (a regex may contain a comma), one per parameter. */
function parsePaths(values: readonly string[]): RegExp[] | string {
  const out: RegExp[] = [];
  for (const v of values) {
    if (v === '') continue;
    try {
      out.push(new RegExp(v));
    } catch (err) {
      return `invalid http path filter: ${v}: ${(err as Error).message}`;
    }
  }
  return out;
}

/** The path of an absolute or origin-form URL, without query or fragment. */
export function urlPath(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
  if (start < 0) return '/';
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}

function typeMatches(t: FlowEventType, flow: FlowRecord): boolean {
  if (t === 'l7') return flow.Type === 'L7';
  if (flow.Type !== 'L3_L4') return false;
  return t === 'drop' ? flow.verdict === 'DROPPED' : flow.verdict !== 'DROPPED';
}

function statusMatches(want: string, code: number | undefined): boolean {
  if (!code) return false;
  const text = code < 100 ? String(code).padStart(3, '0') : String(code);
  return want.length === 3 ? text === want : text.startsWith(want);
}

function serviceMatches(want: string, svc: { namespace: string; name: string } | undefined): boolean {
  if (!svc) return false;
  const slash = want.indexOf('/');
  return slash < 0
    ? svc.name === want
    : svc.namespace === want.slice(0, slash) && svc.name === want.slice(slash + 1);
}

function podMatches(want: string, ns: string | undefined, name: string | undefined): boolean {
  if (!name) return false;
  const slash = want.indexOf('/');
  if (slash < 0) return name.startsWith(want);
  return ns === want.slice(0, slash) && name.startsWith(want.slice(slash + 1));
}

function anyOf<T>(values: readonly T[] | undefined, test: (v: T) => boolean): boolean {
  if (values === undefined) return true;
  for (const v of values) if (test(v)) return true;
  return false;
}

/** Whether `flow` passes every dimension of `filter`. */
export function matchesFlow(filter: FlowFilter, flow: FlowRecord): boolean {
  const src = flow.source;
  const dst = flow.destination;
  const l4 = flow.l4.TCP ?? flow.l4.UDP;
  const http = flow.l7?.http;
  return (
    anyOf(filter.verdict, (v) => flow.verdict === v) &&
    anyOf(filter.protocol, (p) => (p === 'TCP' ? flow.l4.TCP !== undefined : flow.l4.UDP !== undefined)) &&
    anyOf(
      filter.pod,
      (p) => podMatches(p, src.namespace, src.pod_name) || podMatches(p, dst.namespace, dst.pod_name),
    ) &&
    anyOf(filter.namespace, (n) => src.namespace === n || dst.namespace === n) &&
    anyOf(
      filter.service,
      (s) =>
        serviceMatches(s, flow.destination_service) ||
        serviceMatches(s, flow.source_service) ||
        serviceMatches(s, flow.ingress?.service),
    ) &&
    anyOf(filter.node, (n) => flow.node_name === n || flow.node_hops.includes(n)) &&
    anyOf(
      filter.port,
      (p) => l4?.source_port === p || l4?.destination_port === p || flow.original.dst.port === p,
    ) &&
    anyOf(filter.type, (t) => typeMatches(t, flow)) &&
    anyOf(filter.httpStatus, (s) => statusMatches(s, http?.code)) &&
    anyOf(filter.httpMethod, (m) => http !== undefined && http.method.toUpperCase() === m) &&
    (filter.httpPath === undefined ||
      (http !== undefined && anyOf(filter.httpPath, (r) => r.test(urlPath(http.url)))))
  );
}
