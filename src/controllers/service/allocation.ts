/**
 * ClusterIP and NodePort allocation, as the API server's Service registry does
 * it (`pkg/registry/core/service/storage/alloc.go`): synchronously inside the
 * create or update, so a conflict is a 422 for the request that caused it.
 *
 * netkube keeps no allocator bitmap: the store's synchronous indexes over
 * Services *are* the allocation state (an address is taken iff some stored
 * Service holds it), so allocations are released simply by the Service
 * changing or going away, and a rolled-back transaction releases them too.
 *
 * Dynamic choices prefer the upper part of each range, leaving the lower
 * "static band" for user-requested values (KEP-3070/KEP-3668):
 * ClusterIPs `min(max(16, size/16), 256)`, NodePorts `min(max(16, size/32), 128)`.
 */
import { internalError, invalid } from '../../api/errors.js';
import type { FieldError } from '../../api/field-errors.js';
import { fieldError } from '../../api/field-errors.js';
import { resourceForKind } from '../../api/resources.js';
import type { KubeObject, Service, ServicePort } from '../../api/types.js';
import { validateIP } from '../../api/validation/ip.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { AdmissionContext, AdmissionPlugin } from '../../store/registry.js';
import { type Cidr, cidrContains, formatIPv4, parseCidr, parseIPv4 } from '../../util/ipv4.js';
import type { Random } from '../../util/random.js';

export const CLUSTER_IP_INDEX = 'clusterIP';
export const NODE_PORT_INDEX = 'nodePort';

export interface ServiceAllocationConfig {
  /** Service CIDR, `10.96.0.0/12`. */
  readonly serviceSubnet: string;
  readonly nodePortRange: { readonly base: number; readonly size: number };
  readonly random: Random;
}

type Svc = Service & KubeObject;
type Spec = NonNullable<Service['spec']>;

function clusterIPsOf(svc: KubeObject): string[] {
  const spec = (svc as Svc).spec;
  const ips = spec?.clusterIPs?.length ? spec.clusterIPs : spec?.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

/** Every node port a Service holds: its ports' nodePorts and its healthCheckNodePort. */
export function nodePortsOf(svc: KubeObject): number[] {
  const spec = (svc as Svc).spec;
  const out = new Set<number>();
  for (const p of spec?.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  if (spec?.healthCheckNodePort) out.add(spec.healthCheckNodePort);
  return [...out];
}

/** Adds the allocation indexes to the store (idempotent). */
export function addServiceAllocationIndexes(store: ObjectStore): void {
  store.addIndex('services', CLUSTER_IP_INDEX, clusterIPsOf);
  store.addIndex('services', NODE_PORT_INDEX, (svc) => nodePortsOf(svc).map(String));
}

function needsNodePorts(spec: Spec | undefined): boolean {
  return spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';
}

function shouldAllocateNodePorts(spec: Spec): boolean {
  if (spec.type === 'NodePort') return true;
  return spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

/** `apiservice.NeedsHealthCheck`: LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheck(spec: Spec | undefined): boolean {
  return spec?.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function staticBand(size: number, divisor: number, max: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / divisor)), max);
}

export class ServiceAllocator {
  readonly #subnet: Cidr;
  readonly #ports: { readonly base: number; readonly size: number };
  readonly #random: Random;

  constructor(config: ServiceAllocationConfig) {
    const subnet = parseCidr(config.serviceSubnet);
    if (!subnet || subnet.size < 8) throw new Error(`Invalid service subnet ${config.serviceSubnet}`);
    this.#subnet = subnet;
    this.#ports = config.nodePortRange;
    this.#random = config.random;
  }

  get rangeText(): string {
    return this.#subnet.text;
  }

  get portRangeText(): string {
    return `${this.#ports.base}-${this.#ports.base + this.#ports.size - 1}`;
  }

  /** The i-th address of the service CIDR (`.1` is `kubernetes`, `.10` is kube-dns). */
  indexedIP(i: number): string {
    return formatIPv4(this.#subnet.base + i);
  }

  /** Why `ip` cannot be allocated by `self` (undefined when it can). */
  clusterIPProblem(store: ObjectStore, ip: string, self: KubeObject): string | undefined {
    const n = parseIPv4(ip);
    const usable =
      n !== undefined &&
      cidrContains(this.#subnet, n) &&
      n !== this.#subnet.base &&
      n !== this.#subnet.base + this.#subnet.size - 1;
    if (!usable)
      return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.#subnet.text}`;
    if (this.#heldByOther(store, CLUSTER_IP_INDEX, ip, self)) return 'provided IP is already allocated';
    return undefined;
  }

  /** Why node port `p` cannot be allocated by `self` (undefined when it can). */
  nodePortProblem(store: ObjectStore, p: number, self: KubeObject): string | undefined {
    if (p < this.#ports.base || p >= this.#ports.base + this.#ports.size) {
      return `provided port is not in the valid range. The range of valid ports is ${this.portRangeText}`;
    }
    if (this.#heldByOther(store, NODE_PORT_INDEX, String(p), self))
      return 'provided port is already allocated';
    return undefined;
  }

  /** A free ClusterIP, upper band first; undefined when the range is full. */
  nextClusterIP(store: ObjectStore, self: KubeObject): string | undefined {
    const usable = this.#subnet.size - 2;
    const band = staticBand(this.#subnet.size, 16, 256);
    const pick = (offset: number) => formatIPv4(this.#subnet.base + 1 + offset);
    return this.#scan(usable, band, (o) => !this.#heldByOther(store, CLUSTER_IP_INDEX, pick(o), self), pick);
  }

  /** A free node port, upper band first; undefined when the range is full. */
  nextNodePort(store: ObjectStore, self: KubeObject, taken: ReadonlySet<number>): number | undefined {
    const band = staticBand(this.#ports.size, 32, 128);
    const pick = (o: number) => this.#ports.base + o;
    const free = (o: number) =>
      !taken.has(pick(o)) && !this.#heldByOther(store, NODE_PORT_INDEX, String(pick(o)), self);
    return this.#scan(this.#ports.size, band, free, pick);
  }

  /** Random start in [band, size), scan forward with wrap; then the static band. */
  #scan<T>(
    size: number,
    band: number,
    free: (offset: number) => boolean,
    pick: (offset: number) => T,
  ): T | undefined {
    const dynamic = size - band;
    if (dynamic > 0) {
      const start = this.#random.int(dynamic);
      for (let i = 0; i < dynamic; i++) {
        const o = band + ((start + i) % dynamic);
        if (free(o)) return pick(o);
      }
    }
    for (let o = 0; o < band; o++) if (free(o)) return pick(o);
    return undefined;
  }

  #heldByOther(store: ObjectStore, index: string, value: string, self: KubeObject): boolean {
    for (const s of store.byIndex('services', index, value)) {
      if (s.metadata.namespace !== self.metadata.namespace || s.metadata.name !== self.metadata.name)
        return true;
    }
    return false;
  }
}

/**
 * The admission plugin allocating ClusterIPs, NodePorts and healthCheckNodePorts
 * on Service create and update, and carrying allocated values over an update
 * that omits them (`patchAllocatedValues`), as the API server does.
 */
export function serviceAllocationPlugin(
  config: ServiceAllocationConfig,
): AdmissionPlugin & { readonly allocator: ServiceAllocator } {
  const allocator = new ServiceAllocator(config);
  let indexed = false;
  return {
    name: 'ServiceAllocation',
    resources: ['services'],
    allocator,
    admit(obj, old, ctx) {
      if (!indexed) {
        addServiceAllocationIndexes(ctx.store);
        indexed = true;
      }
      if (ctx.operation === 'DELETE' || ctx.subresource === 'status') return obj;
      return admitService(allocator, obj as Svc, old as Svc | undefined, ctx);
    },
  };
}

function admitService(
  allocator: ServiceAllocator,
  svc: Svc,
  old: Svc | undefined,
  ctx: AdmissionContext,
): Svc {
  const info = resourceForKind('Service');
  if (!info) throw internalError('Service resource missing');
  // Ports copied to be filled in; a Service without ports keeps none (`ports` is omitempty).
  const spec: Spec = svc.spec?.ports
    ? { ...svc.spec, ports: svc.spec.ports.map((p) => ({ ...p })) }
    : { ...svc.spec };
  const oldSpec = old?.spec;
  if (old) carryOverAllocations(spec, oldSpec);
  // As the real allocator (`initIPFamilyFields`), the IP fields are validated
  // before anything is allocated: "banana" is not a valid IP, not an IP outside the range.
  if (spec.type !== 'ExternalName') {
    const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
    const ipErrs = ips.flatMap((ip, i) => (ip === 'None' ? [] : validateIP(`spec.clusterIPs[${i}]`, ip)));
    if (ipErrs.length) throw invalid(info, svc.metadata.name ?? '', ipErrs);
  }
  const errs: FieldError[] = [];
  allocateClusterIP(allocator, ctx.store, svc, spec, oldSpec, errs);
  if (errs.length) throw invalid(info, svc.metadata.name ?? '', errs);
  allocatePorts(allocator, ctx.store, svc, spec, oldSpec, errs);
  if (errs.length) throw invalid(info, svc.metadata.name ?? '', errs);
  return { ...svc, spec };
}

/** Keeps values the client omitted but the live object holds (`patchAllocatedValues`). */
function carryOverAllocations(spec: Spec, oldSpec: Spec | undefined): void {
  if (!oldSpec) return;
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!spec.clusterIPs?.length && oldSpec.clusterIPs?.length) spec.clusterIPs = [...oldSpec.clusterIPs];
  }
  if (needsNodePorts(spec) && needsNodePorts(oldSpec)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (oldSpec.ports ?? []).find(
        (o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      );
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
  if (
    needsHealthCheck(spec) &&
    needsHealthCheck(oldSpec) &&
    !spec.healthCheckNodePort &&
    oldSpec.healthCheckNodePort
  ) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
  // dropTypeDependentFields: leaving NodePort/LoadBalancer clears ports the user did not change.
  if (needsNodePorts(oldSpec) && !needsNodePorts(spec)) {
    for (const p of spec.ports ?? []) {
      const match = (oldSpec.ports ?? []).find(
        (o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      );
      if (p.nodePort && match?.nodePort === p.nodePort) delete (p as { nodePort?: number }).nodePort;
    }
  }
  if (
    needsHealthCheck(oldSpec) &&
    !needsHealthCheck(spec) &&
    spec.healthCheckNodePort === oldSpec.healthCheckNodePort
  ) {
    delete spec.healthCheckNodePort;
  }
}

function allocateClusterIP(
  allocator: ServiceAllocator,
  store: ObjectStore,
  svc: Svc,
  spec: Spec,
  oldSpec: Spec | undefined,
  errs: FieldError[],
): void {
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    return;
  }
  const requested = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '';
  if (requested === 'None') {
    spec.clusterIP = 'None';
    spec.clusterIPs = ['None'];
    return;
  }
  const unchanged =
    oldSpec &&
    oldSpec.type !== 'ExternalName' &&
    (oldSpec.clusterIPs?.[0] ?? oldSpec.clusterIP) === requested;
  if (requested && unchanged) {
    spec.clusterIP = requested;
    spec.clusterIPs = [requested];
    return;
  }
  if (requested) {
    const problem = allocator.clusterIPProblem(store, requested, svc);
    if (problem) {
      errs.push(
        fieldError.invalid(
          'spec.clusterIPs',
          spec.clusterIPs ?? [requested],
          `failed to allocate IP ${requested}: ${problem}`,
        ),
      );
      return;
    }
    spec.clusterIP = requested;
    spec.clusterIPs = [requested];
    return;
  }
  const ip = allocator.nextClusterIP(store, svc);
  if (!ip) throw internalError('failed to allocate a serviceIP: range is full');
  spec.clusterIP = ip;
  spec.clusterIPs = [ip];
}

function allocatePorts(
  allocator: ServiceAllocator,
  store: ObjectStore,
  svc: Svc,
  spec: Spec,
  oldSpec: Spec | undefined,
  errs: FieldError[],
): void {
  const held = new Set(oldSpec ? nodePortsOfSpec(oldSpec) : []);
  const taken = new Set<number>();
  if (needsNodePorts(spec)) {
    const byServicePort = new Map<number, number>();
    (spec.ports ?? []).forEach((p: ServicePort, i) => {
      if (!p.nodePort && !shouldAllocateNodePorts(spec)) return;
      if (p.nodePort) {
        if (!held.has(p.nodePort) && !taken.has(p.nodePort) && byServicePort.get(p.port) !== p.nodePort) {
          const problem = allocator.nodePortProblem(store, p.nodePort, svc);
          if (problem) errs.push(fieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, problem));
        }
      } else {
        const reuse = byServicePort.get(p.port);
        const np = reuse ?? allocator.nextNodePort(store, svc, taken);
        if (np === undefined) throw internalError('failed to allocate a nodePort: range is full');
        p.nodePort = np;
      }
      taken.add(p.nodePort);
      byServicePort.set(p.port, p.nodePort);
    });
  }
  if (needsHealthCheck(spec)) {
    const hc = spec.healthCheckNodePort;
    if (hc) {
      if (!held.has(hc) && (taken.has(hc) || allocator.nodePortProblem(store, hc, svc))) {
        throw internalError(
          `failed to allocate requested HealthCheck NodePort ${hc}: ${allocator.nodePortProblem(store, hc, svc) ?? 'provided port is already allocated'}`,
        );
      }
    } else {
      const np = allocator.nextNodePort(store, svc, taken);
      if (np === undefined) throw internalError('failed to allocate a HealthCheck NodePort 0: range is full');
      spec.healthCheckNodePort = np;
    }
  }
}

function nodePortsOfSpec(spec: Spec): number[] {
  const out: number[] = [];
  for (const p of spec.ports ?? []) if (p.nodePort) out.push(p.nodePort);
  if (spec.healthCheckNodePort) out.push(spec.healthCheckNodePort);
  return out;
}
