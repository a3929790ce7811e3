/**
 * Parses what a user writes after `--from` and `--to` (and a URL) into the
 * origin and destination of a trace, or a problem naming what does not exist
 * and the closest names that do. Pure: the cluster is read through the
 * catalog and the path world.
 */
import type { PathWorld } from '../dataplane/path.js';
import type { CatalogService, TraceCatalog } from './catalog.js';
import { closeMatches } from './close-matches.js';
import type { TraceProblem, TraceSource } from './model.js';

/** The sender, before its ephemeral port is chosen. */
export type SourceSpec = Omit<TraceSource, 'port'>;

/** The destination: an address, or a name to resolve first. */
export type TargetSpec =
  | {
      readonly kind: 'address';
      readonly input: string;
      readonly ip: string;
      readonly port: number;
      readonly service?: CatalogService;
    }
  | { readonly kind: 'name'; readonly input: string; readonly host: string; readonly port: number }
  | {
      readonly kind: 'url';
      readonly input: string;
      readonly host: string;
      readonly port: number;
      readonly path: string;
    };

type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: TraceProblem };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

function isIPv4(text: string): boolean {
  const m = IPV4.exec(text);
  return m?.slice(1).every((o) => Number(o) < 256) ?? false;
}

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

function bad(message: string): Parsed<never> {
  return { ok: false, problem: { reason: 'BadRequest', message, suggestions: [] } };
}

/** A NotFound problem with close matches, worded like the API's `pods "x" not found`. */
export function notFoundProblem(
  resource: string,
  name: string,
  candidates: readonly string[],
  namespace?: string,
): TraceProblem {
  const suggestions = closeMatches(name, candidates, namespace === undefined ? {} : { namespace });
  const where = namespace === undefined ? '' : ` in namespace "${namespace}"`;
  const hint = suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '';
  return {
    reason: 'NotFound',
    resource,
    name,
    message: `${resource} "${name}" not found${where}${hint}`,
    suggestions,
  };
}

/** `NS/NAME` or `NAME` (in `namespace`). */
function splitName(text: string, namespace: string): { namespace: string; name: string } {
  const i = text.indexOf('/');
  return i >= 0 ? { namespace: text.slice(0, i), name: text.slice(i + 1) } : { namespace, name: text };
}

/** Parses `--from`. */
export function parseSource(
  catalog: TraceCatalog,
  world: PathWorld,
  spec: string,
  namespace: string,
): Parsed<SourceSpec> {
  if (spec === 'host' || spec === '') return ok({ kind: 'host', ip: '127.0.0.1' });
  if (spec.startsWith('node/')) {
    const name = spec.slice(5);
    const node = catalog.node(name);
    if (!node) return { ok: false, problem: notFoundProblem('nodes', name, catalog.nodeNames()) };
    return ok({ kind: 'node', ip: node.address, node: node.name });
  }
  if (spec.startsWith('pod/') || spec.startsWith('pods/')) {
    const ref = splitName(spec.slice(spec.indexOf('/') + 1), namespace);
    const pod = catalog.pod(ref.namespace, ref.name);
    if (!pod)
      return { ok: false, problem: notFoundProblem('pods', ref.name, catalog.podNames(), ref.namespace) };
    if (!pod.ip || !pod.node)
      return bad(`pod "${ref.namespace}/${ref.name}" has no IP yet: it is not running on a node`);
    return ok({ kind: 'pod', ip: pod.ip, node: pod.node, namespace: pod.namespace, name: pod.name });
  }
  if (isIPv4(spec)) {
    const pod = world.podByIP(spec);
    if (pod) return ok({ kind: 'pod', ip: spec, node: pod.node, namespace: pod.namespace, name: pod.name });
    const node = world.nodeByAddress(spec);
    if (node) return ok({ kind: 'node', ip: spec, node });
    return ok({ kind: 'host', ip: spec });
  }
  return bad(`invalid source "${spec}": expected host, node/NAME, pod/NAME or an IP address`);
}

function splitPort(text: string): { host: string; port: number | undefined } | undefined {
  const m = /^(.*?)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { host: m[1] ?? '', port };
}

function servicePort(svc: CatalogService, want: string | undefined): Parsed<number> {
  const ports = svc.ports;
  if (want === undefined) {
    const first = ports[0];
    return first ? ok(first.port) : bad(`service "${svc.namespace}/${svc.name}" has no ports`);
  }
  const found = ports.find((p) => p.name === want || String(p.port) === want);
  if (found) return ok(found.port);
  const list = ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ');
  return bad(`service "${svc.namespace}/${svc.name}" has no port "${want}"; its ports are ${list || 'none'}`);
}

function parseService(catalog: TraceCatalog, rest: string, namespace: string, clusterDomain: string) {
  const colon = rest.lastIndexOf(':');
  const ref = splitName(colon >= 0 ? rest.slice(0, colon) : rest, namespace);
  const wantPort = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const svc = catalog.service(ref.namespace, ref.name);
  if (!svc)
    return {
      ok: false as const,
      problem: notFoundProblem('services', ref.name, catalog.serviceNames(), ref.namespace),
    };
  const fqdn = `${svc.name}.${svc.namespace}.svc.${clusterDomain}`;
  if (svc.type === 'ExternalName' || !svc.clusterIP || svc.clusterIP === 'None') {
    // Headless and ExternalName Services have no ClusterIP: clients reach them through DNS.
    const port = svc.ports.length ? servicePort(svc, wantPort) : ok(Number(wantPort ?? 80));
    return port.ok
      ? ok<TargetSpec>({ kind: 'name', input: `svc/${rest}`, host: fqdn, port: port.value })
      : port;
  }
  const port = servicePort(svc, wantPort);
  if (!port.ok) return port;
  return ok<TargetSpec>({
    kind: 'address',
    input: `svc/${rest}`,
    ip: svc.clusterIP,
    port: port.value,
    service: svc,
  });
}

/** Parses `--to` (or a URL). `clusterDomain` names headless and ExternalName Services. */
export function parseTarget(
  catalog: TraceCatalog,
  spec: string,
  options: { namespace: string; clusterDomain: string },
): Parsed<TargetSpec> {
  if (/^https?:\/\//i.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      return bad(`invalid URL "${spec}"`);
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return ok({ kind: 'url', input: spec, host: url.hostname, port, path: `${url.pathname}${url.search}` });
  }
  const slash = spec.indexOf('/');
  const kind = slash >= 0 ? spec.slice(0, slash) : '';
  const rest = spec.slice(slash + 1);
  if (kind === 'svc' || kind === 'service' || kind === 'services')
    return parseService(catalog, rest, options.namespace, options.clusterDomain);
  const hp = splitPort(slash >= 0 ? rest : spec);
  if (!hp || hp.host === '')
    return bad(
      `invalid destination "${spec}": expected IP:PORT, svc/NAME[:PORT], pod/NAME:PORT, node/NAME:PORT or a DNS name`,
    );
  const port = hp.port ?? 80;
  if (kind === 'pod' || kind === 'pods') {
    const ref = splitName(hp.host, options.namespace);
    const pod = catalog.pod(ref.namespace, ref.name);
    if (!pod)
      return { ok: false, problem: notFoundProblem('pods', ref.name, catalog.podNames(), ref.namespace) };
    if (!pod.ip) return bad(`pod "${ref.namespace}/${ref.name}" has no IP yet`);
    return ok({ kind: 'address', input: spec, ip: pod.ip, port });
  }
  if (kind === 'node' || kind === 'nodes') {
    const node = catalog.node(hp.host);
    if (!node) return { ok: false, problem: notFoundProblem('nodes', hp.host, catalog.nodeNames()) };
    return ok({ kind: 'address', input: spec, ip: node.address, port });
  }
  if (slash >= 0) return bad(`invalid destination "${spec}": unknown kind "${kind}" (svc, pod or node)`);
  if (isIPv4(hp.host)) return ok({ kind: 'address', input: spec, ip: hp.host, port });
  if (!HOSTNAME.test(hp.host)) return bad(`invalid destination "${spec}": not an IP address or a DNS name`);
  return ok({ kind: 'name', input: spec, host: hp.host.toLowerCase(), port });
}
