/**
 * Compact builders for ingress test worlds: Ingresses written as
 * `ingress('a', { rules: [rule('foo.com', ['/x', 'Prefix', 'svc'])] })`, and
 * the Services, EndpointSlices and pods their backends imply (one ready pod per
 * Service by default, port 80 → targetPort 8080). Shared by the matcher suite,
 * the HTTP suite and (later) end-to-end tests through the emulator.
 */
import type { IngressRule } from 'kubernetes-types/networking/v1.js';
import type { IngressClassObject, IngressObject } from '../ingress-class.js';
import type { PathType } from '../types.js';
import type { EndpointSliceObject, ServiceObject } from '../upstreams.js';

/** Creation time of the first object; `age` offsets are seconds after it. */
export const T0 = Date.UTC(2026, 0, 1);

/** `[path, pathType, backend]`; backend `svc`, `svc:80` or `svc:http`. */
export type PathInput = readonly [string, PathType, string];

export interface RuleInput {
  readonly host?: string;
  readonly paths?: readonly PathInput[];
}

export interface IngressInput {
  readonly rules?: readonly RuleInput[];
  readonly defaultBackend?: string;
  readonly tls?: readonly { readonly hosts?: readonly string[]; readonly secretName?: string }[];
}

export interface IngressMeta {
  readonly namespace?: string;
  /** Seconds after `T0`. @default 0 */
  readonly age?: number;
  readonly annotations?: Readonly<Record<string, string>>;
  /** `spec.ingressClassName`; `null` leaves it unset. @default 'nginx' */
  readonly className?: string | null;
}

/** A rule; `rule(undefined, …)` has no host. */
export function rule(host: string | undefined, ...paths: PathInput[]): RuleInput {
  return { ...(host === undefined ? {} : { host }), paths };
}

function backendOf(ref: string) {
  const [name = '', port = '80'] = ref.split(':');
  return { service: { name, port: /^\d+$/.test(port) ? { number: Number(port) } : { name: port } } };
}

function iso(ageSeconds: number): string {
  return new Date(T0 + ageSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** An Ingress object as the API server would store it. */
export function ingress(name: string, input: IngressInput, meta: IngressMeta = {}): IngressObject {
  const rules: IngressRule[] = (input.rules ?? []).map((r) => ({
    ...(r.host === undefined ? {} : { host: r.host }),
    ...(r.paths
      ? {
          http: {
            paths: r.paths.map(([path, pathType, backend]) => ({
              path,
              pathType,
              backend: backendOf(backend),
            })),
          },
        }
      : {}),
  }));
  const className = meta.className === undefined ? 'nginx' : meta.className;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: meta.namespace ?? 'default',
      uid: `uid-${name}`,
      creationTimestamp: iso(meta.age ?? 0),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
    },
    spec: {
      ...(className === null ? {} : { ingressClassName: className }),
      ...(input.defaultBackend ? { defaultBackend: backendOf(input.defaultBackend) } : {}),
      ...(rules.length ? { rules } : {}),
      ...(input.tls
        ? { tls: input.tls.map((t) => ({ ...t, hosts: t.hosts ? [...t.hosts] : undefined })) }
        : {}),
    },
  } as IngressObject;
}

/** The `nginx` IngressClass of the ingress-nginx addon (default class). */
export function ingressClass(
  name = 'nginx',
  controller = 'k8s.io/ingress-nginx',
  isDefault = true,
): IngressClassObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      creationTimestamp: iso(0),
      ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    spec: { controller },
  };
}

/** How a case's backend Service differs from the default one ready pod. */
export interface BackendSpec {
  /** @default 1 */
  readonly replicas?: number;
  /** The Service does not exist. */
  readonly missing?: boolean;
  /** Pods exist but are not ready. */
  readonly notReady?: boolean;
}

/** A simulated backend pod (an echo server in the HTTP suite). */
export interface BackendPod {
  readonly namespace: string;
  readonly service: string;
  readonly name: string;
  readonly ip: string;
  readonly port: number;
}

export interface BackendWorld {
  readonly services: ServiceObject[];
  readonly endpointSlices: EndpointSliceObject[];
  readonly pods: BackendPod[];
}

function serviceNames(ingresses: readonly IngressObject[]): string[] {
  const out = new Set<string>();
  for (const ing of ingresses) {
    const ns = ing.metadata.namespace ?? 'default';
    const add = (name: string | undefined) => name && out.add(`${ns}/${name}`);
    add(ing.spec?.defaultBackend?.service?.name);
    for (const r of ing.spec?.rules ?? []) for (const p of r.http?.paths ?? []) add(p.backend.service?.name);
  }
  return [...out].sort();
}

function service(ns: string, name: string, ip: string): ServiceObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, uid: `uid-svc-${name}`, creationTimestamp: iso(0) },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      selector: { app: name },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
    },
  } as ServiceObject;
}

function slice(ns: string, name: string, pods: readonly BackendPod[], ready: boolean): EndpointSliceObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: [p.ip],
      conditions: { ready },
      nodeName: 'worker-1',
      targetRef: { kind: 'Pod', namespace: ns, name: p.name },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  } as EndpointSliceObject;
}

/** The Services, EndpointSlices and pods behind every backend the Ingresses name. */
export function backendWorld(
  ingresses: readonly IngressObject[],
  specs: Readonly<Record<string, BackendSpec>> = {},
): BackendWorld {
  const world: BackendWorld = { services: [], endpointSlices: [], pods: [] };
  serviceNames(ingresses).forEach((key, k) => {
    const [ns = 'default', name = ''] = key.split('/');
    const spec = specs[key] ?? specs[name] ?? {};
    if (spec.missing) return;
    world.services.push(service(ns, name, `10.96.${100 + k}.10`));
    const pods: BackendPod[] = [];
    for (let i = 0; i < (spec.replicas ?? 1); i++) {
      pods.push({
        namespace: ns,
        service: name,
        name: `${name}-${i}`,
        ip: `10.244.${10 + k}.${2 + i}`,
        port: 8080,
      });
    }
    world.endpointSlices.push(slice(ns, name, pods, !spec.notReady));
    if (!spec.notReady) world.pods.push(...pods);
  });
  return world;
}
