/**
 * `compileIngress`: Ingresses, IngressClasses, Services, EndpointSlices and
 * Secrets → the controller's `RouteTable`, as ingress-nginx's model build does
 * (`getBackendServers`): select the served Ingresses, order them oldest first,
 * create upstreams, servers and locations, merge canaries, assign
 * certificates, then finish every server for matching. Pure: never throws on
 * user data, never logs; problems are `diagnostics`.
 */
import { parseAnnotations } from './annotations.js';
import { mergeCanaries } from './canary.js';
import type { Diagnostic } from './diagnostics.js';
import {
  CATCH_ALL,
  compareIngresses,
  type DraftServer,
  type DraftUpstream,
  type ParsedIngress,
  serviceBackends,
} from './draft.js';
import {
  type ClassOptions,
  classifyIngress,
  DEFAULT_CLASS_OPTIONS,
  type IngressClassObject,
  type IngressObject,
} from './ingress-class.js';
import { finishServer } from './locations.js';
import { addLocations, createServers } from './servers.js';
import { assignCertificates, type SecretObject } from './tls-config.js';
import type { IngressRef, MatchMode, RouteTable, Server } from './types.js';
import {
  type EndpointSliceObject,
  indexServices,
  resolveUpstream,
  type ServiceIndex,
  type ServiceObject,
  upstreamName,
} from './upstreams.js';

/** The cluster state a controller compiles from. Objects are never mutated. */
export interface IngressSnapshot {
  readonly ingresses: readonly IngressObject[];
  readonly ingressClasses: readonly IngressClassObject[];
  readonly services: readonly ServiceObject[];
  readonly endpointSlices: readonly EndpointSliceObject[];
  readonly secrets: readonly SecretObject[];
}

export interface CompileOptions {
  /** @default 'ingress-nginx' */
  readonly mode?: MatchMode;
  /** @default DEFAULT_CLASS_OPTIONS */
  readonly classes?: Partial<ClassOptions>;
}

function refOf(ing: IngressObject): IngressRef {
  return {
    namespace: ing.metadata.namespace ?? 'default',
    name: ing.metadata.name ?? '',
    creationTimestamp: ing.metadata.creationTimestamp ?? '',
  };
}

function selectServed(
  snapshot: IngressSnapshot,
  options: ClassOptions,
  mode: MatchMode,
): { served: ParsedIngress[]; ignored: RouteTable['ignored'] } {
  const served: ParsedIngress[] = [];
  const ignored: { ingress: IngressRef; reason: string }[] = [];
  for (const obj of snapshot.ingresses) {
    const ref = refOf(obj);
    const decision = classifyIngress(obj, snapshot.ingressClasses, options);
    if (!decision.served) {
      ignored.push({ ingress: ref, reason: decision.reason });
      continue;
    }
    const anns = parseAnnotations(obj.metadata.annotations, ref);
    // store.syncIngress: Extract failed, the error is logged and the Ingress skipped.
    if (anns.validationError) ignored.push({ ingress: ref, reason: anns.validationError });
    else served.push({ obj, ref, anns });
  }
  const order = mode === 'ingress-nginx' ? 'desc' : 'asc';
  served.sort((a, b) => compareIngresses(a.ref, b.ref, order));
  return { served, ignored };
}

function buildUpstreams(
  ingresses: readonly ParsedIngress[],
  index: ServiceIndex,
  diagnostics: Diagnostic[],
): Map<string, DraftUpstream> {
  const upstreams = new Map<string, DraftUpstream>();
  for (const ing of ingresses) {
    const reported = new Set<string>();
    for (const backend of serviceBackends(ing.obj)) {
      const existing = upstreams.get(upstreamName(ing.ref.namespace, backend));
      if (existing) {
        if (!ing.anns.canary && !existing.policy.affinity && ing.anns.upstream.affinity) {
          existing.policy = { ...existing.policy, affinity: ing.anns.upstream.affinity };
        }
        continue;
      }
      const { upstream, diagnostic } = resolveUpstream(
        ing.ref,
        backend,
        index,
        ing.anns.upstream,
        ing.anns.location.serviceUpstream,
      );
      const draft: DraftUpstream = { ...upstream };
      if (ing.anns.canary) draft.canary = { ingress: ing.ref, ...ing.anns.canary };
      upstreams.set(upstream.name, draft);
      if (diagnostic && !reported.has(upstream.name)) {
        reported.add(upstream.name);
        diagnostics.push(diagnostic);
      }
    }
  }
  return upstreams;
}

function finish(
  servers: Map<string, DraftServer>,
  mode: MatchMode,
  diagnostics: Diagnostic[],
): Pick<RouteTable, 'servers' | 'wildcardServers' | 'defaultServer'> {
  const exact = new Map<string, Server>();
  const wildcard = new Map<string, Server>();
  let catchAll: Server | undefined;
  for (const [host, draft] of servers) {
    const server = finishServer(draft, mode, diagnostics);
    if (host === CATCH_ALL) catchAll = server;
    else if (server.kind === 'wildcard') wildcard.set(host, server);
    else exact.set(host, server);
  }
  return { servers: exact, wildcardServers: wildcard, defaultServer: catchAll as Server };
}

/**
 * Compiles the route table of one ingress controller from a cluster snapshot.
 * The result is immutable and safe to share between requests and the tracer.
 */
export function compileIngress(snapshot: IngressSnapshot, options: CompileOptions = {}): RouteTable {
  const mode = options.mode ?? 'ingress-nginx';
  const classOptions = { ...DEFAULT_CLASS_OPTIONS, ...options.classes };
  const diagnostics: Diagnostic[] = [];
  const { served, ignored } = selectServed(snapshot, classOptions, mode);
  for (const ing of served) diagnostics.push(...ing.anns.diagnostics);
  const index = indexServices(snapshot.services, snapshot.endpointSlices);
  const upstreams = buildUpstreams(served, index, diagnostics);
  const servers = createServers(served, upstreams);
  addLocations(servers, served, upstreams, mode, diagnostics);
  mergeCanaries(servers, served, upstreams, mode, diagnostics);
  assignCertificates(servers, served, snapshot.secrets, diagnostics);
  return {
    mode,
    ...finish(servers, mode, diagnostics),
    upstreams,
    served: served.map((s) => s.ref),
    ignored,
    diagnostics,
  };
}
