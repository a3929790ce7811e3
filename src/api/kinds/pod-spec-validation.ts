/**
 * `ValidatePodSpec` and `ValidatePodTemplateSpec` (`pkg/apis/core/validation`):
 * volumes, containers, policies, scheduling constraints, tolerations. Used for
 * Pods and for the templates of ReplicaSets and Deployments.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { validateIP } from '../validation/ip.js';
import {
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabelName,
  validateLabels,
} from '../validation/meta.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain } from '../validation/strings.js';
import { arr, child, index, isRecord, type JsonObject, num, rec, recs, str } from '../validation/values.js';
import { validateContainers, validateInitContainers } from './containers-validation.js';
import { volumeSources } from './pod-defaults.js';
import { validateAffinity, validateTolerations } from './scheduling-validation.js';
import { validatePodSecurityContext } from './security-validation.js';

function dnsLabel(value: string, field: string): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldError.invalid(field, value, m));
}

function subdomain(value: string, field: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldError.invalid(field, value, m));
}

const REQUIRED_FIELDS: Record<string, readonly string[]> = {
  secret: ['secretName'],
  configMap: ['name'],
  persistentVolumeClaim: ['claimName'],
  hostPath: ['path'],
  nfs: ['server', 'path'],
};

/** `ValidateVolumes`: unique DNS-label names, exactly one source. Returns the valid names. */
function validateVolumes(volumes: unknown, path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  recs(volumes).forEach((volume, i) => {
    const p = index(path, i);
    const el: FieldError[] = [];
    const sources = volumeSources(volume);
    sources.slice(1).forEach((s) => {
      el.push(fieldError.forbidden(child(p, s), 'may not specify more than 1 volume type'));
    });
    if (sources.length === 0) el.push(fieldError.required(p, 'must specify a volume type'));
    const first = sources[0];
    for (const f of first ? (REQUIRED_FIELDS[first] ?? []) : []) {
      if (!str(rec(volume[first ?? ''])[f])) el.push(fieldError.required(child(p, first ?? '', f)));
    }
    const name = str(volume.name) ?? '';
    if (!name) el.push(fieldError.required(child(p, 'name')));
    else el.push(...dnsLabel(name, child(p, 'name')));
    if (names.has(name)) el.push(fieldError.duplicate(child(p, 'name'), name));
    if (el.length === 0) names.add(name);
    errs.push(...el);
  });
  return names;
}

function validateDnsConfig(spec: JsonObject, path: string): FieldError[] {
  const config = spec.dnsConfig;
  if (spec.dnsPolicy === 'None') {
    if (!isRecord(config))
      return [fieldError.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(config.nameservers).length === 0) {
      return [
        fieldError.required(
          child(path, 'nameservers'),
          'must provide at least one DNS nameserver when `dnsPolicy` is None',
        ),
      ];
    }
  }
  if (!isRecord(config)) return [];
  const errs: FieldError[] = [];
  const nameservers = arr(config.nameservers);
  if (nameservers.length > 3)
    errs.push(
      fieldError.invalid(child(path, 'nameservers'), nameservers, 'must not have more than 3 nameservers'),
    );
  nameservers.forEach((ns, i) => {
    errs.push(...validateIP(index(child(path, 'nameservers'), i), String(ns)));
  });
  arr(config.searches).forEach((s, i) => {
    const search = String(s);
    if (search !== '.') errs.push(...subdomain(search.replace(/\.$/, ''), index(child(path, 'searches'), i)));
  });
  return errs;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function enumOrRequired(value: unknown, field: string, allowed: readonly string[]): FieldError[] {
  if (!value) return [fieldError.required(field)];
  return allowed.includes(String(value)) ? [] : [fieldError.notSupported(field, value, allowed)];
}

/** `ValidatePodSpec` at `path` (`spec`, or `spec.template.spec`). */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const s = rec(spec);
  const errs: FieldError[] = [];
  const grace = num(s.terminationGracePeriodSeconds);
  if (s.terminationGracePeriodSeconds === undefined)
    errs.push(fieldError.required(child(path, 'terminationGracePeriodSeconds')));
  const volumes = validateVolumes(s.volumes, child(path, 'volumes'), errs);
  const ctx = { volumes, gracePeriod: grace };
  errs.push(...validateContainers(s.containers, child(path, 'containers'), ctx));
  errs.push(...validateInitContainers(s.initContainers, s.containers, child(path, 'initContainers'), ctx));
  errs.push(...enumOrRequired(s.restartPolicy, child(path, 'restartPolicy'), RESTART_POLICIES));
  errs.push(...enumOrRequired(s.dnsPolicy, child(path, 'dnsPolicy'), DNS_POLICIES));
  errs.push(...validateLabels(s.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validatePodSecurityContext(s.securityContext, child(path, 'securityContext')));
  errs.push(...validateAffinity(s.affinity, child(path, 'affinity')));
  errs.push(...validateDnsConfig(s, child(path, 'dnsConfig')));
  recs(s.readinessGates).forEach((g, i) => {
    errs.push(
      ...validateLabelName(
        str(g.conditionType) ?? '',
        child(index(child(path, 'readinessGates'), i), 'conditionType'),
      ),
    );
  });
  for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName'] as const) {
    const v = str(s[f]);
    if (v) errs.push(...nameIsDNSSubdomain(v, false).map((m) => fieldError.invalid(child(path, f), v, m)));
  }
  const deadline = s.activeDeadlineSeconds;
  if (typeof deadline === 'number' && (deadline < 1 || deadline > 2147483647)) {
    errs.push(
      fieldError.invalid(child(path, 'activeDeadlineSeconds'), deadline, inclusiveRangeError(1, 2147483647)),
    );
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = str(s[f]);
    if (v) errs.push(...dnsLabel(v, child(path, f)));
  }
  errs.push(...validateTolerations(s.tolerations, child(path, 'tolerations')));
  recs(s.hostAliases).forEach((alias, i) => {
    const p = index(child(path, 'hostAliases'), i);
    errs.push(...validateIP(child(p, 'ip'), str(alias.ip) ?? ''));
    arr(alias.hostnames).forEach((h, j) => {
      errs.push(...subdomain(String(h), index(child(p, 'hostnames'), j)));
    });
  });
  return errs;
}

/** `ValidatePodTemplateSpec` at `path` (`spec.template`). */
export function validatePodTemplateSpec(template: unknown, path: string): FieldError[] {
  const t = rec(template);
  const meta = rec(t.metadata);
  const errs = [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpec(t.spec, child(path, 'spec')),
  ];
  if (arr(rec(t.spec).ephemeralContainers).length > 0) {
    errs.push(
      fieldError.forbidden(
        child(path, 'spec', 'ephemeralContainers'),
        'ephemeral containers not allowed in pod template',
      ),
    );
  }
  return errs;
}

export { validateTolerations } from './scheduling-validation.js';
