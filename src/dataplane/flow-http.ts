/**
 * L7 flow records: one per HTTP request a simulated server answered (an app
 * such as whoami or agnhost, or the ingress controller), in Hubble's shape
 * for an HTTP response (`Type: "L7"`, `l7: { type: "RESPONSE", latency_ns,
 * http: { code, method, url, protocol } }`, `is_reply: true` with the server
 * as `source`).
 *
 * Apps hand the observer an `HttpExchange` (workloads/types.ts): one flat
 * object of references and numbers. The observer looks up who the client
 * was while that pod still exists and keeps a `PendingHttpFlow`; the record
 * itself — a dozen objects and four formatted strings — is built the first
 * time someone reads it, as for `PendingFlow`.
 */
import { randomUUID } from 'node:crypto';
import type { HttpExchange, HttpFlowObserver } from '../workloads/types.js';
import {
  emitPending,
  type FlowEndpoint,
  type FlowIngress,
  type FlowRecord,
  type FlowService,
  type FlowSink,
  type FlowVerdict,
} from './flow.js';
import { flowEndpoint, type Owner, ownerOf, rfc3339Nano } from './flow-builder.js';
import type { PathWorld } from './path.js';

/** Why the controller's own answers are not FORWARDED, in `drop_reason_desc`'s words. */
const PROXY_VERDICTS: Record<
  FlowIngress['answered_by'],
  { readonly verdict: FlowVerdict; readonly reason?: string }
> = {
  upstream: { verdict: 'FORWARDED' },
  redirect: { verdict: 'FORWARDED' },
  'default-backend': { verdict: 'DROPPED', reason: 'no Ingress rule matched: the default backend answered' },
  'no-endpoints': { verdict: 'DROPPED', reason: 'the backend Service has no ready endpoints' },
  rejected: { verdict: 'DROPPED', reason: 'the ingress controller refused the request' },
  'upstream-failed': { verdict: 'ERROR', reason: 'no endpoint of the backend answered' },
  'client-closed': { verdict: 'ERROR', reason: 'the client closed the connection before the response' },
};

/** Names a node by an address the world does not list (its tunnel address, seen after masquerade). */
export type NodeOfAddress = (ip: string) => string | undefined;

function service(s: HttpExchange['service']): FlowService | undefined {
  return s ? { namespace: s.namespace, name: s.name, port: String(s.port) } : undefined;
}

/** `GET /path` as `http://host/path`: Hubble's absolute `url`. */
function absoluteUrl(e: HttpExchange): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e.target)) return e.target;
  const authority = e.host || `${e.tuple.dstIP}:${e.tuple.dstPort}`;
  return `${e.scheme}://${authority}${e.target.startsWith('/') ? e.target : `/${e.target}`}`;
}

/**
 * The characters the record of `e` will take in strings (the URL twice, in
 * `url` and `Summary`, the host three times, the summary's and a drop
 * reason's fixed text), for the flow log's size estimate: never less than built.
 */
export function httpTextLength(e: HttpExchange): number {
  return 2 * e.target.length + 3 * (e.host?.length ?? 24) + e.method.length + 120;
}

/**
 * An answered HTTP request, waiting to become a `FlowRecord`. `record()`
 * builds it once and returns the same object after, so its `uuid` is stable.
 */
export class PendingHttpFlow {
  readonly #exchange: HttpExchange;
  readonly #client: Owner;
  #record: FlowRecord | undefined;

  /** Captures who the client is now (its pod may be gone when the record is read). */
  constructor(exchange: HttpExchange, world: PathWorld, nodeOf?: NodeOfAddress) {
    this.#exchange = exchange;
    this.#client = ownerOf(world, exchange.tuple.srcIP, nodeOf);
  }

  /** `httpTextLength` of the exchange. */
  get textLength(): number {
    return httpTextLength(this.#exchange);
  }

  /** The record (built on the first call). */
  record(): FlowRecord {
    this.#record ??= buildHttpRecord(this.#exchange, this.#client);
    return this.#record;
  }
}

/** The answering side: the endpoint when it wrote the response, else the app's own pod. */
function server(e: HttpExchange): FlowEndpoint {
  const ep = e.endpoint;
  if (e.answer === 'upstream' && ep) return flowEndpoint(ep.address, ep.port, ep.pod);
  return flowEndpoint(e.tuple.dstIP, e.tuple.dstPort, e.pod);
}

function ingressField(e: HttpExchange, svc: FlowService | undefined): FlowIngress | undefined {
  if (e.answer === undefined) return undefined;
  return {
    ...(e.ingress ? { namespace: e.ingress.namespace, name: e.ingress.name } : {}),
    ...(svc ? { service: svc } : {}),
    ...(e.endpoint ? { endpoint: `${e.endpoint.address}:${e.endpoint.port}` } : {}),
    answered_by: e.answer,
  };
}

/** The record of `e`, answered to `client` (who the client was when it asked). */
export function buildHttpRecord(e: HttpExchange, client: Owner): FlowRecord {
  const t = e.tuple;
  const from = server(e);
  const to = flowEndpoint(t.srcIP, t.srcPort, client);
  const latencyMs = Math.max(0, e.endedAt - e.startedAt);
  const protocol = `HTTP/${e.httpVersion}`;
  const url = absoluteUrl(e);
  const { verdict, reason } = PROXY_VERDICTS[e.answer ?? 'upstream'];
  const svc = service(e.service);
  const ingress = ingressField(e, svc);
  const upstream = e.answer === 'upstream' ? svc : undefined;
  const nodes = [e.pod.nodeName];
  const via = e.endpoint?.nodeName;
  if (e.answer === 'upstream' && via && via !== e.pod.nodeName) nodes.push(via);
  const translated =
    e.answer !== undefined && e.endpoint
      ? { src: { ip: e.pod.ip, port: 0 }, dst: { ip: e.endpoint.address, port: e.endpoint.port } }
      : { src: { ip: t.srcIP, port: t.srcPort }, dst: { ip: t.dstIP, port: t.dstPort } };
  return {
    time: rfc3339Nano(e.endedAt),
    uuid: randomUUID(),
    verdict,
    ...(reason ? { drop_reason_desc: reason } : {}),
    Type: 'L7',
    node_name: e.pod.nodeName,
    IP: { source: from.ip, destination: to.ip, ipVersion: 'IPv4' },
    l4: { TCP: { source_port: from.port, destination_port: to.port } },
    source: from,
    destination: to,
    ...(upstream ? { source_service: upstream } : {}),
    traffic_direction: 'INGRESS',
    is_reply: true,
    l7: {
      type: 'RESPONSE',
      latency_ns: Math.round(latencyMs * 1e6),
      http: {
        code: e.status,
        method: e.method,
        url,
        protocol,
        ...(e.host !== undefined ? { host: e.host } : {}),
      },
    },
    ...(ingress ? { ingress } : {}),
    Summary: `${protocol} ${e.status} ${Math.floor(latencyMs)}ms (${e.method} ${url})`,
    original: { src: { ip: t.srcIP, port: t.srcPort }, dst: { ip: t.dstIP, port: t.dstPort } },
    translated,
    node_hops: nodes,
    hops: [],
    bytes: { sent: e.requestBytes, received: e.responseBytes },
    duration_ms: latencyMs,
  };
}

/** Builds the record at once, looking the client up in `world` (tests, sinks without `recordPending`). */
export function buildHttpFlow(exchange: HttpExchange, world: PathWorld): FlowRecord {
  return new PendingHttpFlow(exchange, world).record();
}

/**
 * The observer the emulator hands every app (`AppContext.httpFlows`): it is
 * enabled exactly when `sink` is, and turns each exchange into a pending L7
 * flow (copied into the sink's columns when it has them, `recordHttp`: the
 * exchange object is not kept). `nodeOf` names clients the world does not (a node's tunnel address,
 * which a pod on another node sees after masquerade). With `networkVersion`
 * (bumped by every change to pods, blocks or nodes), a connection's observer
 * names its client once and again only after such a change; without it, per
 * request. Never throws.
 */
export function httpFlowObserver(
  sink: FlowSink,
  world: PathWorld,
  nodeOf?: NodeOfAddress,
  networkVersion?: () => number,
): HttpFlowObserver {
  const record = (e: HttpExchange, client: Owner): void => {
    try {
      if (sink.recordHttp) sink.recordHttp(e, client);
      else emitPending(sink, new PendingHttpFlow(e, world, nodeOf));
    } catch {
      // A flow that cannot be recorded must never break the app answering it.
    }
  };
  const observer: HttpFlowObserver = {
    get enabled() {
      return sink.enabled;
    },
    exchange(e: HttpExchange): void {
      if (!sink.enabled) return;
      record(e, sink.recordHttp ? ownerOf(world, e.tuple.srcIP, nodeOf) : undefined);
    },
  };
  if (networkVersion) {
    // Per connection: its client, named again only when the network changed.
    observer.connection = (tuple) => {
      let client: Owner;
      let named = -1;
      return {
        exchange(e: HttpExchange): void {
          if (!sink.enabled) return;
          const v = networkVersion();
          if (v !== named) {
            client = ownerOf(world, tuple.srcIP, nodeOf);
            named = v;
          }
          record(e, client);
        },
      };
    };
  }
  return observer;
}
