/**
 * `--via ingress`: the request goes to the ingress controller's NodePort,
 * kube-proxy hands it to the controller pod, the controller decides with
 * `matchRequest` — the same pure matcher its L7 proxy calls for every
 * request — and proxies to a pod endpoint of the upstream over the pod
 * network, which the path planner follows again from the controller pod.
 */
import { planPath } from '../dataplane/path.js';
import type { MatchDecision, RouteTable, UpstreamEndpoint } from '../ingress/index.js';
import { matchRequest } from '../ingress/index.js';
import { traceHops } from './explain.js';
import type {
  TraceHop,
  TraceIngress,
  TraceOutcome,
  TraceRequest,
  TraceService,
  TraceSource,
} from './model.js';
import { TRACE_API_VERSION } from './model.js';
import type { SourceSpec, TargetSpec } from './specs.js';
import type { TraceDeps } from './trace.js';
import { assembleTrace, loadBalancerEntry, notedPlan, originOf, resultOf, traceRandoms } from './trace.js';

/** The ingress controller as a trace sees it. */
export interface IngressView {
  /** The controller's compiled route table (what its nginx.conf would say); undefined when not installed. */
  table(): RouteTable | undefined;
  /** The controller's Service, whose `http` NodePort requests enter by. */
  readonly service: { readonly namespace: string; readonly name: string };
}

/**
 * The Service behind an upstream, its port named as kube-proxy names it: the Ingress
 * backend gives the port by number or by name, the ServicePortName carries the
 * Service port's name ('' for a single unnamed port). A port the Service does not
 * have (the upstream answers 503) keeps the backend's own value.
 */
function upstreamService(
  deps: TraceDeps,
  backend: { readonly namespace: string; readonly name: string; readonly port: number | string },
): TraceService {
  const svc = deps.catalog.service(backend.namespace, backend.name);
  const port = svc?.ports.find((p) => (typeof backend.port === 'number' ? p.port : p.name) === backend.port);
  return {
    namespace: backend.namespace,
    name: backend.name,
    port: port ? port.name : String(backend.port),
    type: svc?.type ?? 'ClusterIP',
  };
}

function requestOf(target: TargetSpec): { host: string; path: string; port: number } {
  if (target.kind === 'url') return { host: target.host, path: target.path || '/', port: target.port };
  if (target.kind === 'name') return { host: target.host, path: '/', port: target.port };
  return { host: target.ip, path: '/', port: target.port };
}

function ingressOf(decision: MatchDecision, host: string, path: string): TraceIngress {
  const a = decision.action;
  const loc = decision.location;
  const origin = loc?.origin;
  const ingress =
    origin && origin.kind !== 'controller' ? `${origin.ingress.namespace}/${origin.ingress.name}` : undefined;
  return {
    host,
    path,
    server: decision.server?.hostname ?? '_',
    ...(loc ? { location: loc.path } : {}),
    ...(ingress ? { ingress } : {}),
    action: a.kind,
    ...(a.kind === 'redirect' || a.kind === 'error' ? { status: a.status } : {}),
    ...(a.kind === 'default-backend' ? { status: 404 } : {}),
    ...(a.kind === 'proxy' ? { upstream: a.upstream.name, target: a.target } : {}),
    steps: decision.steps,
  };
}

function problem(message: string): TraceOutcome {
  return { ok: false, problem: { reason: 'BadRequest', message, suggestions: [] } };
}

/** Where the request enters the cluster, or a problem when the controller cannot be reached yet. */
interface IngressEntry {
  readonly ip: string;
  readonly port: number;
  /** The node an emulated load balancer hands the connection to (a VIP no node owns). */
  readonly node?: string;
  readonly note?: string;
}

/**
 * A URL that names an address (`http://127.0.10.2:30080/foo`) is sent to that
 * address and port, as curl sends it: a node's NodePort, a LoadBalancer IP,
 * an externalIP. A URL that names a host (`http://shop.example.com/cart`) is
 * sent as `curl --resolve HOST:PORT:NODE` would send it: to the controller's
 * `http` (or `https`) NodePort on the first node, with the URL's Host header —
 * the tracer cannot know what the laptop's DNS would say for that name.
 */
function entryOf(
  deps: TraceDeps,
  view: IngressView,
  input: { target: TargetSpec; source: TraceSource; int: (n: number) => number },
): IngressEntry | undefined {
  const { target } = input;
  const host = target.kind === 'address' ? target.ip : target.host;
  if (isIPv4(host)) {
    const lb = loadBalancerEntry(deps, input.source, 'TCP', host, target.port, input.int);
    return { ip: host, port: target.port, ...lb };
  }
  const svc = deps.catalog.service(view.service.namespace, view.service.name);
  const https = /^https:/i.test(target.input);
  const nodePort = svc?.ports.find((p) => p.name === (https ? 'https' : 'http'))?.nodePort;
  const entryNode = deps.catalog.nodeNames()[0];
  const entryIP = entryNode ? deps.catalog.node(entryNode)?.address : undefined;
  return nodePort && entryIP ? { ip: entryIP, port: nodePort } : undefined;
}

function isIPv4(text: string): boolean {
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(text);
}

/** Traces an HTTP request through the ingress controller to its backend pod. */
export function traceViaIngress(
  deps: TraceDeps,
  input: { request: TraceRequest; source: SourceSpec; target: TargetSpec; seed: number },
): TraceOutcome {
  const view = deps.ingress;
  const table = view?.table();
  if (!view || !table) return problem('the ingress controller is not installed: apply an Ingress first');
  const { seed } = input;
  const protocol = 'TCP' as const;
  const randoms = traceRandoms(seed);
  const source: TraceSource = { ...input.source, port: randoms.port() };
  const entry = entryOf(deps, view, { target: input.target, source, int: (n) => randoms.ports.int(n) });
  if (!entry) return problem('the ingress controller has no http NodePort yet');
  const req = requestOf(input.target);
  const destination = { input: input.target.input, ip: entry.ip, port: entry.port, host: req.host };
  const options = {
    random: randoms.choice,
    now: deps.now,
    allocatePort: randoms.port,
    hops: true,
    explore: true,
  };
  const tuple = { src: { ip: source.ip, port: source.port }, dst: { ip: entry.ip, port: entry.port } };
  const origin = {
    origin: originOf(source),
    protocol,
    tuple,
    ...(entry.node ? { entryNode: entry.node } : {}),
  };
  const leg1 = notedPlan(planPath(deps.world, origin, options), entry.note);
  const first = traceHops(deps.world, leg1);
  const controller = leg1.outcome;
  if (controller.kind !== 'pod')
    return {
      ok: true,
      trace: assembleTrace({ deps, seed, protocol, source, destination, plan: leg1, before: [] }),
    };
  const hostHeader = req.port === 80 ? req.host : `${req.host}:${req.port}`;
  const scheme = /^https:/i.test(input.target.input) ? 'https' : 'http';
  const decision = matchRequest(
    table,
    { host: hostHeader, path: req.path, scheme, clientIP: leg1.seen.src.ip },
    { random: randoms.choice },
  );
  // The client the controller saw: `$remote_addr`, sent upstream as X-Real-IP and X-Forwarded-For.
  const ingress = { ...ingressOf(decision, req.host, req.path), client: leg1.seen.src };
  const action = decision.action;
  const pod = controller.pod;
  const ingressHop = (endpoints: readonly UpstreamEndpoint[], chosen?: UpstreamEndpoint): TraceHop => ({
    step: first.length + 1,
    component: 'ingress',
    action: action.kind === 'proxy' ? 'Forwarded' : 'Delivered',
    observationPoint: 'TO_PROXY',
    node: pod.node,
    summary:
      action.kind === 'proxy'
        ? `${pod.namespace}/${pod.name}: ${hostHeader}${req.path} → upstream ${action.upstream.name}${chosen ? ` → ${chosen.address}:${chosen.port}` : ''}`
        : `${pod.namespace}/${pod.name}: ${hostHeader}${req.path} → ${ingress.status ?? ''} (${action.kind === 'error' ? action.reason : action.kind})`,
    notes: decision.steps,
    ...(endpoints.length
      ? {
          candidates: endpoints.map((e) => ({
            endpoint: `${e.address}:${e.port}`,
            probability: 1 / endpoints.length,
            masquerade: false,
            chosen: e === chosen,
            ...(e.pod
              ? { pod: { namespace: e.pod.namespace, name: e.pod.name, node: e.nodeName ?? '' } }
              : {}),
          })),
        }
      : {}),
  });
  if (action.kind !== 'proxy' || action.upstream.endpoints.length === 0) {
    const hops = [...first, ingressHop([])];
    const trace = assembleTrace({ deps, seed, protocol, source, destination, plan: leg1, before: [] });
    return { ok: true, trace: { ...trace, ingress, hops } };
  }
  const endpoints = action.upstream.endpoints;
  const chosen = endpoints[randoms.ports.int(endpoints.length)] as UpstreamEndpoint;
  const from = { kind: 'pod' as const, namespace: pod.namespace, name: pod.name, ip: pod.ip, node: pod.node };
  const leg2Tuple = {
    src: { ip: pod.ip, port: randoms.port() },
    dst: { ip: chosen.address, port: chosen.port },
  };
  const leg2 = planPath(deps.world, { origin: from, protocol, tuple: leg2Tuple }, options);
  const before = [...first, ingressHop(endpoints, chosen)];
  const trace = assembleTrace({ deps, seed, protocol, source, destination, plan: leg2, before });
  const result = resultOf(leg2);
  return {
    ok: true,
    trace: {
      ...trace,
      apiVersion: TRACE_API_VERSION,
      ingress,
      service: upstreamService(deps, action.upstream.service),
      result,
      candidates: before[before.length - 1]?.candidates ?? [],
    },
  };
}
