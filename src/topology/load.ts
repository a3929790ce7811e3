/**
 * `loadTopology`: a topology file (or text, or the embedded default) →
 * a resolved, validated `Topology`, or one `TopologyError` naming the file
 * and every bad field, so that nothing starts on a topology that is wrong.
 */

import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { isValidPortNum } from '../api/index.js';
import { NetkubeError } from '../util/errors.js';
import { packagePath } from '../util/package-root.js';
import { API_PORT, formatHostPort, isLoopback, MAX_SLOT, parseHostPort, slotDefaults } from './addresses.js';
import { checkFields, type TopologyProblem } from './fields.js';
import { type ResolveContext, resolveNetworking, section } from './networking.js';
import { resolveLabels, resolveNodes } from './nodes.js';
import type {
  HostPort,
  IngressConfig,
  NetworkingConfig,
  NodeLifecycleConfig,
  Topology,
  TopologyNode,
} from './types.js';

/**
 * Thrown when a topology cannot be used. `problems` lists each bad field; the
 * message is `<file>: <field path>: <what is wrong>`, one per line.
 */
export class TopologyError extends NetkubeError {
  readonly file: string;
  readonly problems: readonly TopologyProblem[];

  constructor(file: string, problems: readonly TopologyProblem[]) {
    super('ERR_TOPOLOGY', problems.map((p) => `${file}: ${p.path}: ${p.message}`).join('\n'));
    this.file = file;
    this.problems = problems;
  }
}

/** The text of `topologies/default.yaml`, the cluster `netkube up` starts when given no topology. */
export function defaultTopologyText(): string {
  return readFileSync(packagePath('topologies', 'default.yaml'), 'utf8');
}

export interface LoadTopologyOptions {
  /** A topology file to read. */
  readonly file?: string;
  /** Topology text (when there is no file); neither means the embedded default. */
  readonly text?: string;
  /** The emulator's slot (0 for the first on a machine): picks default addresses and ports. @default 0 */
  readonly slot?: number;
}

function hostPortField(value: unknown, path: string, fallback: HostPort, ctx: ResolveContext): HostPort {
  const text = section(value).address;
  if (typeof text !== 'string') return fallback;
  const hp = parseHostPort(text);
  if (!hp) {
    ctx.problems.push({
      path: `${path}.address`,
      message: `${JSON.stringify(text)} must be host:port with an IPv4 host (e.g. 127.0.0.1:1080)`,
    });
    return fallback;
  }
  for (const m of isValidPortNum(hp.port))
    ctx.problems.push({ path: `${path}.address`, message: `port ${hp.port} ${m}` });
  if (!ctx.allowNonLoopback && !isLoopback(hp.host)) {
    ctx.problems.push({
      path: `${path}.address`,
      message: `${hp.host} is outside 127.0.0.0/8; set allowNonLoopback: true to listen on other addresses`,
    });
  }
  return hp;
}

function resolveIngress(value: unknown, networking: NetworkingConfig, ctx: ResolveContext): IngressConfig {
  const raw = section(value);
  const { base, size } = networking.nodePortRange;
  const port = (field: 'httpNodePort' | 'httpsNodePort', fallback: number): number => {
    const p = typeof raw[field] === 'number' ? (raw[field] as number) : fallback;
    if (p < base || p >= base + size) {
      ctx.problems.push({
        path: `ingress.${field}`,
        message: `${p} is outside networking.nodePortRange ${base}-${base + size - 1}`,
      });
    }
    return p;
  };
  const http = port('httpNodePort', 30080);
  const https = port('httpsNodePort', 30443);
  if (http === https)
    ctx.problems.push({ path: 'ingress.httpsNodePort', message: `${https} is also ingress.httpNodePort` });
  const nodeSelector = resolveLabels(raw.nodeSelector, 'ingress.nodeSelector', ctx);
  return {
    enabled: raw.enabled !== false,
    httpNodePort: http,
    httpsNodePort: https,
    ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
  };
}

function resolveLifecycle(value: unknown, ctx: ResolveContext): NodeLifecycleConfig {
  const raw = section(value);
  const positive = (field: keyof NodeLifecycleConfig, fallback: number): number => {
    const v = typeof raw[field] === 'number' ? (raw[field] as number) : fallback;
    if (v < 1) ctx.problems.push({ path: `nodeLifecycle.${field}`, message: `${v} must be at least 1` });
    return v;
  };
  const lifecycle = {
    podEvictionTimeoutSeconds: positive('podEvictionTimeoutSeconds', 300),
    heartbeatSeconds: positive('heartbeatSeconds', 10),
    nodeMonitorGracePeriodSeconds: positive('nodeMonitorGracePeriodSeconds', 40),
  };
  if (lifecycle.nodeMonitorGracePeriodSeconds <= lifecycle.heartbeatSeconds) {
    ctx.problems.push({
      path: 'nodeLifecycle.nodeMonitorGracePeriodSeconds',
      message: `${lifecycle.nodeMonitorGracePeriodSeconds} must be longer than nodeLifecycle.heartbeatSeconds (${lifecycle.heartbeatSeconds})`,
    });
  }
  return lifecycle;
}

/** Two listeners on one host:port, or a fixed port inside the NodePort range on a node address. */
function checkListeners(
  listeners: Record<string, HostPort>,
  nodes: readonly TopologyNode[],
  networking: NetworkingConfig,
  ctx: ResolveContext,
): void {
  const seen = new Map<string, string>();
  const nodeAddresses = new Set(nodes.map((n) => n.address));
  const { base, size } = networking.nodePortRange;
  for (const [path, hp] of Object.entries(listeners)) {
    const key = formatHostPort(hp);
    const other = seen.get(key);
    if (other) ctx.problems.push({ path, message: `${key} is also ${other}` });
    seen.set(key, path);
    if (nodeAddresses.has(hp.host) && hp.port >= base && hp.port < base + size) {
      ctx.problems.push({
        path,
        message: `port ${hp.port} on node address ${hp.host} is inside networking.nodePortRange ${base}-${base + size - 1}`,
      });
    }
  }
}

function resolveTopology(raw: Record<string, unknown>, slot: number, problems: TopologyProblem[]): Topology {
  const ctx: ResolveContext = { problems, allowNonLoopback: raw.allowNonLoopback === true };
  if (raw.apiVersion !== 'netkube.dev/v1alpha1') {
    problems.push({
      path: 'apiVersion',
      message: `Unsupported value ${JSON.stringify(raw.apiVersion ?? '')}: supported values: "netkube.dev/v1alpha1"`,
    });
  }
  if (raw.kind !== 'Cluster')
    problems.push({
      path: 'kind',
      message: `Unsupported value ${JSON.stringify(raw.kind ?? '')}: supported values: "Cluster"`,
    });
  const name = typeof raw.name === 'string' ? raw.name : 'netkube';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    problems.push({
      path: 'name',
      message: `${JSON.stringify(name)} must be lower-case letters, digits and '-', starting and ending with a letter or digit`,
    });
  }
  const defaults = slotDefaults(slot);
  const networking = resolveNetworking(raw.networking, defaults, ctx);
  const nodes = resolveNodes(raw.nodes, networking, ctx);
  const controlPlane = nodes.find((n) => n.role === 'control-plane');
  const api = hostPortField(
    raw.api,
    'api',
    { host: controlPlane?.address ?? '127.0.0.1', port: API_PORT },
    ctx,
  );
  const dns = hostPortField(raw.dns, 'dns', defaults.dns, ctx);
  const socks = hostPortField(raw.socks, 'socks', defaults.socks, ctx);
  checkListeners({ 'api.address': api, 'dns.address': dns, 'socks.address': socks }, nodes, networking, ctx);
  return {
    apiVersion: 'netkube.dev/v1alpha1',
    kind: 'Cluster',
    name,
    api,
    networking,
    dns,
    socks,
    ingress: resolveIngress(raw.ingress, networking, ctx),
    nodeLifecycle: resolveLifecycle(raw.nodeLifecycle, ctx),
    nodes,
    allowNonLoopback: ctx.allowNonLoopback,
  };
}

/**
 * Loads, defaults and validates a topology. Throws `TopologyError` naming the
 * file and each bad field (unknown fields, bad or overlapping CIDRs, non-loopback
 * addresses without `allowNonLoopback`, duplicate nodes or addresses, missing
 * control plane, values out of range) so that the caller starts nothing.
 */
export function loadTopology(options: LoadTopologyOptions = {}): Topology {
  const file = options.file ?? (options.text !== undefined ? '<topology>' : 'topologies/default.yaml');
  const slot = options.slot ?? 0;
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT) {
    throw new TopologyError(file, [
      { path: '(slot)', message: `${slot} must be an integer between 0 and ${MAX_SLOT}` },
    ]);
  }
  let text: string;
  try {
    text =
      options.file !== undefined
        ? readFileSync(options.file, 'utf8')
        : (options.text ?? defaultTopologyText());
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TopologyError(file, [
      { path: '(file)', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${String(err)}` },
    ]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      path: `line ${e.linePos?.[0].line ?? '?'}`,
      message: e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, ''),
    }));
    throw new TopologyError(file, problems);
  }
  const raw: unknown = doc.toJS();
  const problems = checkFields(raw);
  if (problems.length > 0) throw new TopologyError(file, problems);
  const topology = resolveTopology(section(raw), slot, problems);
  if (problems.length > 0) throw new TopologyError(file, problems);
  return options.file !== undefined ? { ...topology, source: options.file } : topology;
}
