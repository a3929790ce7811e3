/**
 * The Service strategy: `SetDefaults_Service`, the IP-family fields a
 * single-stack IPv4 cluster fills in, an empty load-balancer status on
 * create, and the REST layer's update preparation (`patchAllocatedValues`,
 * `NormalizeClusterIPs`, `dropTypeDependentFields`) so that re-applying a
 * manifest without `clusterIP`/`nodePort` keeps the allocated ones. ClusterIP
 * and NodePort allocation itself is an admission plugin outside `api/`; it must
 * set `clusterIP` and `clusterIPs` together, as upstream's allocator does.
 */
import { deepClone, jsonEqual } from '../json.js';
import { arr, isRecord, type JsonObject, rec, recs, str } from '../validation/values.js';
import { defineKind } from './define.js';
import { externallyAccessible, validateService, validateServiceUpdate } from './service-validation.js';

/** `SetDefaults_Service` plus single-stack IPv4 family fields (set upstream by the REST layer). */
export function defaultService(svc: JsonObject): void {
  if (!isRecord(svc.spec)) svc.spec = {};
  const spec = svc.spec as JsonObject;
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = rec(rec(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (timeout === undefined) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const port of recs(spec.ports)) {
    if (!port.protocol) port.protocol = 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '')
      port.targetPort = port.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (
    spec.internalTrafficPolicy === undefined &&
    ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(String(spec.type))
  ) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  if (spec.type !== 'ExternalName') {
    if (spec.ipFamilies === undefined) spec.ipFamilies = ['IPv4'];
    if (spec.ipFamilyPolicy === undefined) spec.ipFamilyPolicy = 'SingleStack';
  }
}

function needsClusterIP(spec: JsonObject): boolean {
  return spec.type !== 'ExternalName';
}

function needsNodePort(spec: JsonObject): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

function needsHealthCheckNodePort(spec: JsonObject): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** `patchAllocatedValues`: keep allocated clusterIPs, nodePorts and healthCheckNodePort the client left out. */
function patchAllocatedValues(spec: JsonObject, old: JsonObject): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && arr(old.clusterIPs).length > 0)
      spec.clusterIPs = deepClone(old.clusterIPs);
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const used = (s: JsonObject) =>
      new Set(
        recs(s.ports)
          .map((p) => p.nodePort)
          .filter((n) => n),
      );
    const oldUsed = used(old);
    const inBoth = new Set([...used(spec)].filter((n) => oldUsed.has(n)));
    const byName = new Map(recs(old.ports).map((p) => [str(p.name) ?? '', p.nodePort]));
    for (const port of recs(spec.ports)) {
      const previous = byName.get(str(port.name) ?? '');
      if (!port.nodePort && previous && !inBoth.has(previous)) port.nodePort = previous;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/** `NormalizeClusterIPs`: keep `clusterIP` and `clusterIPs` in step for clients that set only one. */
function normalizeClusterIPs(spec: JsonObject, old: JsonObject | undefined): void {
  if (!old) {
    if (str(spec.clusterIP) && arr(spec.clusterIPs).length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const sameIPs = jsonEqual(spec.clusterIPs ?? [], old.clusterIPs ?? []);
  if (
    arr(old.clusterIPs).length > 0 &&
    arr(spec.clusterIPs).length === 0 &&
    old.clusterIP === spec.clusterIP
  ) {
    spec.clusterIPs = deepClone(old.clusterIPs);
  }
  if ((old.clusterIP ?? '') !== (spec.clusterIP ?? '')) {
    if (old.clusterIP && !spec.clusterIP) {
      if (sameIPs) delete spec.clusterIPs;
    } else if (jsonEqual(spec.clusterIPs ?? [], old.clusterIPs ?? [])) {
      spec.clusterIPs = [spec.clusterIP];
    }
  }
}

/** `dropTypeDependentFields`: clear what the old type needed and the new one does not, if the client left it as it was. */
function dropTypeDependentFields(spec: JsonObject, old: JsonObject): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (jsonEqual(spec.clusterIPs ?? [], old.clusterIPs ?? [])) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (jsonEqual(spec.ipFamilies, old.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === old.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: JsonObject) => recs(s.ports).map((p) => p.nodePort ?? 0);
  if (needsNodePort(old) && !needsNodePort(spec) && jsonEqual(nodePorts(spec), nodePorts(old))) {
    for (const port of recs(spec.ports)) delete port.nodePort;
  }
  if (
    needsHealthCheckNodePort(old) &&
    !needsHealthCheckNodePort(spec) &&
    spec.healthCheckNodePort === old.healthCheckNodePort
  ) {
    delete spec.healthCheckNodePort;
  }
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts)
      delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === old.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (
    externallyAccessible(old) &&
    !externallyAccessible(spec) &&
    spec.externalTrafficPolicy === old.externalTrafficPolicy
  ) {
    delete spec.externalTrafficPolicy;
  }
}

defineKind({
  kind: 'Service',
  defaults: defaultService,
  prepareForCreate: (svc) => {
    svc.status = { loadBalancer: {} };
    normalizeClusterIPs(rec(svc.spec), undefined);
  },
  prepareForUpdate: (svc, old) => {
    const spec = rec(svc.spec);
    const oldSpec = rec(old.spec);
    patchAllocatedValues(spec, oldSpec);
    normalizeClusterIPs(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
    svc.spec = spec;
  },
  validate: validateService,
  validateUpdate: validateServiceUpdate,
});
