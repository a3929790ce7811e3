/**
 * Cluster IPs and IP families of a Service: `ValidateServiceClusterIPsRelatedFields`
 * on every write, and on update the rule that allocated IPs and families may
 * not change once set (`validateUpgradeDowngradeClusterIPs`/`IPFamilies`).
 */
import { type FieldError, fieldError, goLiteral } from '../field-errors.js';
import { goStringSlice } from '../validation/go-literals.js';
import { parseIPv4, validateIP } from '../validation/ip.js';
import { arr, index, type JsonObject, rec, str } from '../validation/values.js';

/** A headless Service: `clusterIPs` is exactly `["None"]`. */
export function isHeadless(spec: JsonObject): boolean {
  const ips = arr(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

/** `ValidateServiceClusterIPsRelatedFields`. */
export function validateClusterIPs(spec: JsonObject): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = arr(spec.clusterIPs).map(String);
  if (str(spec.clusterIP)) {
    if (ips.length === 0) errs.push(fieldError.required('spec.clusterIPs'));
    else if (ips[0] !== spec.clusterIP)
      errs.push(
        fieldError.invalid('spec.clusterIPs', goStringSlice(ips), 'first value must match `clusterIP`'),
      );
  } else if (ips.length > 0) {
    errs.push(
      fieldError.invalid(
        'spec.clusterIPs',
        goStringSlice(ips),
        'must be empty when `clusterIP` is not specified',
      ),
    );
  }
  const seen = new Set<string>();
  arr(spec.ipFamilies).forEach((family, i) => {
    const f = String(family);
    if (f !== 'IPv4' && f !== 'IPv6')
      errs.push(fieldError.notSupported(index('spec.ipFamilies', i), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(fieldError.duplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  if (
    policy !== undefined &&
    !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(String(policy))
  ) {
    errs.push(
      fieldError.notSupported('spec.ipFamilyPolicy', policy, [
        'PreferDualStack',
        'RequireDualStack',
        'SingleStack',
      ]),
    );
  }
  let invalid = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalid = true;
        errs.push(
          fieldError.invalid(
            'spec.clusterIPs',
            goStringSlice(ips),
            "'None' must be the first and only value",
          ),
        );
      }
      return;
    }
    const ipErrs = validateIP(index('spec.clusterIPs', i), ip);
    if (ipErrs.length) invalid = true;
    errs.push(...ipErrs);
  });
  if (ips.length > 2)
    errs.push(fieldError.invalid('spec.clusterIPs', goStringSlice(ips), 'may only hold up to 2 values'));
  if (invalid) return errs;
  if (ips.length > 1 && (parseIPv4(ips[0] ?? '') === undefined) === (parseIPv4(ips[1] ?? '') === undefined)) {
    errs.push(
      fieldError.invalid(
        'spec.clusterIPs',
        goStringSlice(ips),
        'may specify no more than one IP for each IP family',
      ),
    );
  }
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      const family = arr(spec.ipFamilies)[i];
      const isV4 = parseIPv4(ip) !== undefined;
      if (family === 'IPv4' && !isV4) {
        errs.push(
          fieldError.invalid(
            index('spec.clusterIPs', i),
            ip,
            `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
      if (family === 'IPv6' && isV4) {
        errs.push(
          fieldError.invalid(
            index('spec.clusterIPs', i),
            ip,
            `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
    });
  }
  return errs;
}

/** The update rules of `ValidateServiceUpdate`: cluster IPs and families may not change once set. */
export function validateServiceUpdate(svc: JsonObject, old: JsonObject): FieldError[] {
  const spec = rec(svc.spec);
  const prev = rec(old.spec);
  const errs: FieldError[] = [];
  if (
    spec.type !== 'ExternalName' &&
    prev.type !== 'ExternalName' &&
    !(isHeadless(spec) && isHeadless(prev))
  ) {
    const next = arr(spec.clusterIPs).map(String);
    const before = arr(prev.clusterIPs).map(String);
    if (next.length === before.length) {
      before.forEach((ip, i) => {
        if (ip !== next[i])
          errs.push(
            fieldError.invalid(index('spec.clusterIPs', i), goStringSlice(next), 'may not change once set'),
          );
      });
    } else if (before.length > next.length) {
      if (next.length === 0)
        errs.push(
          fieldError.invalid('spec.clusterIPs[0]', goStringSlice(next), 'primary clusterIP can not be unset'),
        );
      else if (next[0] !== before[0])
        errs.push(fieldError.invalid('spec.clusterIPs[0]', goStringSlice(next), 'may not change once set'));
    } else if (before.length > 0 && next[0] !== before[0]) {
      errs.push(fieldError.invalid('spec.clusterIPs[0]', goStringSlice(next), 'may not change once set'));
    }
  }
  if (
    prev.type === 'LoadBalancer' &&
    spec.type === 'LoadBalancer' &&
    (spec.loadBalancerClass ?? null) !== (prev.loadBalancerClass ?? null)
  ) {
    errs.push(
      fieldError.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'),
    );
  }
  const hcBoth = [spec, prev].every((s) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local');
  if (hcBoth && spec.healthCheckNodePort !== prev.healthCheckNodePort) {
    errs.push(fieldError.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  const families = arr(spec.ipFamilies);
  const oldFamilies = arr(prev.ipFamilies);
  const familiesApply =
    spec.type !== 'ExternalName' && prev.type !== 'ExternalName' && !isHeadless(spec) && !isHeadless(prev);
  if (
    familiesApply &&
    families.length === oldFamilies.length &&
    families.some((f, i) => f !== oldFamilies[i])
  ) {
    errs.push(
      fieldError.invalid(
        'spec.ipFamilies[0]',
        goLiteral(`[]core.IPFamily{${families.map((f) => JSON.stringify(f)).join(', ')}}`),
        'may not change once set',
      ),
    );
  }
  return errs;
}
