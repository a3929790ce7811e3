/**
 * A container's environment as the kubelet and the runtime compose it: the
 * image's PATH and ENV, HOSTNAME, `envFrom` then `env` (values, `$(VAR)`
 * references, `valueFrom` fieldRef/configMapKeyRef/secretKeyRef), the
 * Kubernetes service variables (`KUBERNETES_SERVICE_HOST`, `WEB_SERVICE_PORT`…),
 * and HOME. Pure given the lookup.
 */
import type { ConfigMap, Container, Pod, Secret, Service } from '../api/types.js';

/** Read access to the objects a container's env can reference. */
export interface ObjectLookup {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** Services of a namespace (for service environment variables); optional. */
  services?(namespace: string): readonly Service[];
}

export interface EnvInput {
  readonly pod: Pod;
  readonly container: Container;
  readonly podIP: string;
  readonly nodeName: string;
  readonly imageEnv: Readonly<Record<string, string>>;
  readonly lookup: ObjectLookup | undefined;
}

/** The resolved env, or the kubelet's CreateContainerConfigError text. */
export type EnvResult = { readonly env: Record<string, string> } | { readonly error: string };

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Kubernetes `$(VAR)` expansion (`$$` escapes; unknown references stay as written). */
export function expandReferences(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && Object.hasOwn(vars, name) ? (vars[name] ?? '') : m;
  });
}

function fieldValue(path: string, input: EnvInput): string | undefined {
  const meta = input.pod.metadata ?? {};
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? meta.labels : meta.annotations)?.[m[2] ?? ''] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? 'default';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return input.nodeName;
    case 'spec.serviceAccountName':
      return input.pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return input.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return input.pod.status?.hostIP ?? '';
    default:
      return undefined;
  }
}

function decodeSecret(secret: Secret, key: string): string | undefined {
  const data = secret.data?.[key];
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

/** `WEB_SERVICE_HOST`… for every Service with a cluster IP (docker-links style). */
export function serviceEnv(services: readonly Service[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const svc of [...services].sort((a, b) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  )) {
    const ip = svc.spec?.clusterIP;
    const ports = svc.spec?.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) continue;
    const prefix = (svc.metadata?.name ?? '').toUpperCase().replace(/-/g, '_');
    const first = ports[0];
    out[`${prefix}_SERVICE_HOST`] = ip;
    out[`${prefix}_SERVICE_PORT`] = String(first?.port ?? '');
    for (const p of ports)
      if (p.name) out[`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.port);
    out[`${prefix}_PORT`] = `${(first?.protocol ?? 'TCP').toLowerCase()}://${ip}:${first?.port}`;
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      const base = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out[base] = `${proto}://${ip}:${p.port}`;
      out[`${base}_PROTO`] = proto;
      out[`${base}_PORT`] = String(p.port);
      out[`${base}_ADDR`] = ip;
    }
  }
  return out;
}

/** Resolves the environment of `input.container`. */
export function resolveContainerEnv(input: EnvInput): EnvResult {
  const ns = input.pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = {
    PATH: DEFAULT_PATH,
    HOSTNAME: input.pod.spec?.hostname ?? input.pod.metadata?.name ?? '',
  };
  Object.assign(env, input.imageEnv);
  const declared: Record<string, string> = {};
  for (const from of input.container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = input.lookup?.configMap(ns, from.configMapRef.name ?? '');
      if (!cm && !from.configMapRef.optional)
        return { error: `configmap "${from.configMapRef.name}" not found` };
      for (const [k, v] of Object.entries(cm?.data ?? {})) declared[prefix + k] = v;
    }
    if (from.secretRef) {
      const s = input.lookup?.secret(ns, from.secretRef.name ?? '');
      if (!s && !from.secretRef.optional) return { error: `secret "${from.secretRef.name}" not found` };
      for (const k of Object.keys({ ...s?.data, ...s?.stringData }))
        declared[prefix + k] = s ? (decodeSecret(s, k) ?? '') : '';
    }
  }
  for (const e of input.container.env ?? []) {
    const source = e.valueFrom;
    if (!source) {
      declared[e.name] = expandReferences(e.value ?? '', { ...env, ...declared });
      continue;
    }
    if (source.fieldRef) {
      declared[e.name] = fieldValue(source.fieldRef.fieldPath, input) ?? '';
    } else if (source.configMapKeyRef) {
      const ref = source.configMapKeyRef;
      const cm = input.lookup?.configMap(ns, ref.name ?? '');
      const value = cm?.data?.[ref.key];
      if (value === undefined && !ref.optional) {
        return {
          error: cm
            ? `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`
            : `configmap "${ref.name}" not found`,
        };
      }
      if (value !== undefined) declared[e.name] = value;
    } else if (source.secretKeyRef) {
      const ref = source.secretKeyRef;
      const s = input.lookup?.secret(ns, ref.name ?? '');
      const value = s ? decodeSecret(s, ref.key) : undefined;
      if (value === undefined && !ref.optional) {
        return {
          error: s
            ? `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`
            : `secret "${ref.name}" not found`,
        };
      }
      if (value !== undefined) declared[e.name] = value;
    } else declared[e.name] = '';
  }
  Object.assign(env, declared);
  const links = input.pod.spec?.enableServiceLinks !== false;
  const services = [
    ...(input.lookup?.services?.('default') ?? []).filter((s) => s.metadata?.name === 'kubernetes'),
    ...(links
      ? (input.lookup?.services?.(ns) ?? []).filter(
          (s) => ns !== 'default' || s.metadata?.name !== 'kubernetes',
        )
      : []),
  ];
  for (const [k, v] of Object.entries(serviceEnv(services))) if (!Object.hasOwn(env, k)) env[k] = v;
  if (!Object.hasOwn(env, 'HOME')) env.HOME = '/root';
  return { env };
}
