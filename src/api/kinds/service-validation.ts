/**
 * `ValidateService` and `ValidateServiceUpdate` (`pkg/apis/core/validation`)
 * with upstream's messages: ports, types, session affinity, cluster IPs and
 * families, external IPs, node ports, traffic policies.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { goServicePortKey } from '../validation/go-literals.js';
import { validateCidr, validateIP, validateNonSpecialIP } from '../validation/ip.js';
import { nameIsDNS1035Label, validateLabels, validateObjectMeta } from '../validation/meta.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortNum,
} from '../validation/strings.js';
import { arr, child, index, type JsonObject, rec, recs, str } from '../validation/values.js';
import { validatePortNumOrName, validateProtocol } from './containers-validation.js';
import { isHeadless, validateClusterIPs } from './service-ips.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** `service.ExternallyAccessible`: NodePort, LoadBalancer, or ClusterIP with external IPs. */
export function externallyAccessible(spec: JsonObject): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0)
  );
}

/** `validateServicePort`. */
function validateServicePort(
  port: JsonObject,
  requireName: boolean,
  names: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name) ?? '';
  if (requireName && !name) errs.push(fieldError.required(child(path, 'name')));
  else if (name) {
    errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(child(path, 'name'), name, m)));
    if (names.has(name)) errs.push(fieldError.duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  const portNum = typeof port.port === 'number' ? port.port : 0;
  for (const m of isValidPortNum(portNum)) errs.push(fieldError.invalid(child(path, 'port'), portNum, m));
  errs.push(...validateProtocol(port.protocol, child(path, 'protocol')));
  errs.push(...validatePortNumOrName(port.targetPort, child(path, 'targetPort')));
  const appProtocol = str(port.appProtocol);
  if (appProtocol !== undefined) {
    for (const m of isQualifiedName(appProtocol))
      errs.push(fieldError.invalid(child(path, 'appProtocol'), appProtocol, m));
  }
  return errs;
}

function validateTypeSpecific(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ips = arr(spec.clusterIPs);
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && isHeadless(spec)) {
    errs.push(
      fieldError.invalid('spec.clusterIPs[0]', ips[0], `may not be set to 'None' for ${spec.type} services`),
    );
  }
  if (spec.type === 'ExternalName') {
    if (ips.length > 0)
      errs.push(fieldError.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arr(spec.ipFamilies).length > 0)
      errs.push(fieldError.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined) {
      errs.push(fieldError.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    }
    const cname = (str(spec.externalName) ?? '').replace(/\.$/, '');
    if (cname)
      errs.push(...isDNS1123Subdomain(cname).map((m) => fieldError.invalid('spec.externalName', cname, m)));
    else errs.push(fieldError.required('spec.externalName'));
  }
  return errs;
}

function validatePorts(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ports = recs(spec.ports);
  const names = new Set<string>();
  ports.forEach((p, i) => {
    errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i)));
  });
  const nodePorts = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const path = index('spec.ports', i);
    if (spec.type === 'ClusterIP' && p.nodePort) {
      errs.push(fieldError.forbidden(child(path, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    }
    if (p.nodePort) {
      const npKey = `${String(p.protocol)}/${String(p.nodePort)}`;
      if (nodePorts.has(npKey)) errs.push(fieldError.duplicate(child(path, 'nodePort'), p.nodePort));
      nodePorts.add(npKey);
    }
    const key = `${String(p.protocol)}/${String(p.port)}`;
    if (keys.has(key)) errs.push(fieldError.duplicate(path, goServicePortKey(p.protocol, p.port)));
    keys.add(key);
  });
  return errs;
}

function validateTrafficPolicies(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp)
      errs.push(
        fieldError.invalid(
          'spec.externalTrafficPolicy',
          etp,
          'may only be set for externally-accessible services',
        ),
      );
  } else if (!etp) errs.push(fieldError.required('spec.externalTrafficPolicy'));
  else if (etp !== 'Cluster' && etp !== 'Local') {
    errs.push(fieldError.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const hc = spec.healthCheckNodePort;
  if (!(spec.type === 'LoadBalancer' && etp === 'Local')) {
    if (hc) {
      errs.push(
        fieldError.invalid(
          'spec.healthCheckNodePort',
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  } else if (!hc) errs.push(fieldError.required('spec.healthCheckNodePort'));
  else
    for (const m of isValidPortNum(Number(hc)))
      errs.push(fieldError.invalid('spec.healthCheckNodePort', hc, m));
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(String(spec.type))) {
    errs.push(fieldError.required('spec.internalTrafficPolicy'));
  }
  if (itp !== undefined && itp !== 'Cluster' && itp !== 'Local') {
    errs.push(fieldError.notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  return errs;
}

function validateLoadBalancerFields(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ranges = arr(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    if (spec.type !== 'LoadBalancer') {
      errs.push(
        fieldError.forbidden(
          'spec.LoadBalancerSourceRanges',
          "may only be used when `type` is 'LoadBalancer'",
        ),
      );
    }
    ranges.forEach((r, i) => {
      errs.push(...validateCidr(index('spec.LoadBalancerSourceRanges', i), String(r).trim()));
    });
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') {
    errs.push(
      fieldError.forbidden(
        'spec.allocateLoadBalancerNodePorts',
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    errs.push(fieldError.required('allocateLoadBalancerNodePorts'));
  }
  const lbClass = str(spec.loadBalancerClass);
  if (lbClass !== undefined) {
    if (spec.type === 'LoadBalancer') {
      for (const m of isQualifiedName(lbClass))
        errs.push(fieldError.invalid('spec.loadBalancerClass', lbClass, m));
    } else
      errs.push(
        fieldError.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"),
      );
  }
  return errs;
}

/** `ValidateService`. */
export function validateService(svc: JsonObject): FieldError[] {
  const spec = rec(svc.spec);
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameFn: nameIsDNS1035Label });
  if (arr(spec.ports).length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') {
    errs.push(fieldError.required('spec.ports'));
  }
  errs.push(...validateTypeSpecific(spec));
  errs.push(...validatePorts(spec));
  if (spec.selector !== undefined) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = spec.sessionAffinity;
  if (!affinity) errs.push(fieldError.required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') {
    errs.push(fieldError.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  }
  if (affinity === 'ClientIP') errs.push(...validateClientIPAffinity(spec.sessionAffinityConfig));
  else if (affinity === 'None' && spec.sessionAffinityConfig !== undefined) {
    errs.push(
      fieldError.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'),
    );
  }
  errs.push(...validateClusterIPs(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    const path = index('spec.externalIPs', i);
    const ipErrs = validateIP(path, String(ip));
    errs.push(...(ipErrs.length ? ipErrs : validateNonSpecialIP(path, String(ip))));
  });
  if (!spec.type) errs.push(fieldError.required('spec.type'));
  else if (!TYPES.includes(String(spec.type)))
    errs.push(fieldError.notSupported('spec.type', spec.type, TYPES));
  errs.push(...validateLoadBalancerFields(spec));
  errs.push(...validateTrafficPolicies(spec));
  // validateServiceTrafficDistribution (v1.32: PreferClose is the only value).
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(fieldError.notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function validateClientIPAffinity(config: unknown): FieldError[] {
  const path = 'spec.sessionAffinityConfig';
  const detail = 'when session affinity type is ClientIP';
  if (config === undefined) return [fieldError.required(path, detail)];
  const clientIP = rec(config).clientIP;
  if (clientIP === undefined) return [fieldError.required(child(path, 'clientIP'), detail)];
  const timeout = rec(clientIP).timeoutSeconds;
  if (timeout === undefined) return [fieldError.required(child(path, 'clientIP', 'timeoutSeconds'), detail)];
  const t = Number(timeout);
  return t <= 0 || t > 86400
    ? [
        fieldError.invalid(
          child(path, 'clientIP', 'timeoutSeconds'),
          timeout,
          'must be greater than 0 and less than 86400',
        ),
      ]
    : [];
}

export { validateServiceUpdate } from './service-ips.js';
