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
}

export const FLOW_FILTER_KEYS = [
  'pod',
  'service',
  'verdict',
  'namespace',
  'node',
  'protocol',
  'port',
] as const;

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
    } else out[key] = values;
  }
  return out as FlowFilter;
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
  return (
    anyOf(filter.verdict, (v) => flow.verdict === v) &&
    anyOf(filter.protocol, (p) => (p === 'TCP' ? flow.l4.TCP !== undefined : flow.l4.UDP !== undefined)) &&
    anyOf(
      filter.pod,
      (p) => podMatches(p, src.namespace, src.pod_name) || podMatches(p, dst.namespace, dst.pod_name),
    ) &&
    anyOf(filter.namespace, (n) => src.namespace === n || dst.namespace === n) &&
    anyOf(filter.service, (s) => {
      const svc = flow.destination_service;
      if (!svc) return false;
      const slash = s.indexOf('/');
      return slash < 0
        ? svc.name === s
        : svc.namespace === s.slice(0, slash) && svc.name === s.slice(slash + 1);
    }) &&
    anyOf(filter.node, (n) => flow.node_name === n || flow.node_hops.includes(n)) &&
    anyOf(
      filter.port,
      (p) => l4?.source_port === p || l4?.destination_port === p || flow.original.dst.port === p,
    )
  );
}
