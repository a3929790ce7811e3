/**
 * Ingress and IngressClass (networking.k8s.io/v1), validated as
 * `pkg/apis/networking/validation` does; see ingress.md §1.2 for what the
 * router may then assume. An Ingress gets an empty load-balancer status on
 * create; an IngressClass's parameters default to Cluster scope and its
 * controller is immutable.
 */
import { type FieldError, fieldError, goLiteral } from '../field-errors.js';
import { isIP } from '../validation/ip.js';
import {
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
  validateImmutable,
  validateObjectMeta,
} from '../validation/meta.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isDomainPrefixedPath,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
} from '../validation/strings.js';
import { arr, child, index, isRecord, type JsonObject, rec, recs, str } from '../validation/values.js';
import { defineKind } from './define.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function hostErrors(host: string, field: string): FieldError[] {
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return msgs.map((m) => fieldError.invalid(field, host, m));
}

/** `validateIngressBackend`. */
function validateBackend(backend: JsonObject, path: string): FieldError[] {
  const hasResource = isRecord(backend.resource);
  const service = backend.service;
  if (hasResource && isRecord(service))
    return [fieldError.invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = rec(backend.resource);
    const errs: FieldError[] = [];
    if (!str(r.kind)) errs.push(fieldError.required(child(path, 'resource', 'kind')));
    if (!str(r.name)) errs.push(fieldError.required(child(path, 'resource', 'name')));
    return errs;
  }
  if (!isRecord(service)) return [fieldError.invalid(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name) ?? '';
  if (!name) errs.push(fieldError.required(child(path, 'service', 'name')));
  else
    errs.push(
      ...nameIsDNS1035Label(name, false).map((m) =>
        fieldError.invalid(child(path, 'service', 'name'), name, m),
      ),
    );
  const port = rec(service.port);
  const portName = str(port.name) ?? '';
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName && portNumber)
    errs.push(fieldError.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) {
    errs.push(
      ...isValidPortName(portName).map((m) =>
        fieldError.invalid(child(path, 'service', 'port', 'name'), portName, m),
      ),
    );
  } else if (portNumber) {
    errs.push(
      ...isValidPortNum(portNumber).map((m) =>
        fieldError.invalid(child(path, 'service', 'port', 'number'), portNumber, m),
      ),
    );
  } else errs.push(fieldError.required(path, 'port name or number is required'));
  return errs;
}

/** `validateHTTPIngressPath`. */
function validatePath(p: JsonObject, path: string): FieldError[] {
  if (p.pathType === undefined)
    return [fieldError.required(child(path, 'pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const text = str(p.path) ?? '';
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!text.startsWith('/'))
      errs.push(fieldError.invalid(child(path, 'path'), text, 'must be an absolute path'));
    for (const seq of ['//', '/./', '/../', '%2f', '%2F']) {
      if (text.includes(seq))
        errs.push(fieldError.invalid(child(path, 'path'), text, `must not contain '${seq}'`));
    }
    for (const suffix of ['/..', '/.']) {
      if (text.endsWith(suffix))
        errs.push(fieldError.invalid(child(path, 'path'), text, `cannot end with '${suffix}'`));
    }
  } else if (p.pathType === 'ImplementationSpecific') {
    if (text && !text.startsWith('/'))
      errs.push(fieldError.invalid(child(path, 'path'), text, 'must be an absolute path'));
  } else {
    errs.push(fieldError.notSupported(child(path, 'pathType'), p.pathType, PATH_TYPES));
  }
  return [...errs, ...validateBackend(rec(p.backend), child(path, 'backend'))];
}

/** `ValidateIngressSpec`. */
function validateIngressSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const rules = recs(spec.rules);
  if (rules.length === 0 && !isRecord(spec.defaultBackend)) {
    const rulesValue = Array.isArray(spec.rules)
      ? '[]networking.IngressRule{}'
      : '[]networking.IngressRule(nil)';
    errs.push(
      fieldError.invalid(
        'spec',
        goLiteral(rulesValue),
        'either `defaultBackend` or `rules` must be specified',
      ),
    );
  }
  if (isRecord(spec.defaultBackend))
    errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const path = index('spec.rules', i);
    const host = str(rule.host) ?? '';
    if (host) {
      if (isIP(host))
        errs.push(fieldError.invalid(child(path, 'host'), host, 'must be a DNS name, not an IP address'));
      errs.push(...hostErrors(host, child(path, 'host')));
    }
    if (isRecord(rule.http)) {
      const paths = recs(rule.http.paths);
      if (paths.length === 0) errs.push(fieldError.required(child(path, 'http', 'paths')));
      paths.forEach((p, j) => {
        errs.push(...validatePath(p, index(child(path, 'http', 'paths'), j)));
      });
    }
  });
  recs(spec.tls).forEach((tls, i) => {
    const path = index('spec.tls', i);
    arr(tls.hosts).forEach((h, j) => {
      errs.push(...hostErrors(String(h), index(child(path, 'hosts'), j)));
    });
    const secret = str(tls.secretName);
    if (secret)
      errs.push(
        ...nameIsDNSSubdomain(secret, false).map((m) =>
          fieldError.invalid(child(path, 'secretName'), secret, m),
        ),
      );
  });
  const className = str(spec.ingressClassName);
  if (className !== undefined) {
    errs.push(
      ...nameIsDNSSubdomain(className, false).map((m) =>
        fieldError.invalid('spec.ingressClassName', className, m),
      ),
    );
  }
  return errs;
}

defineKind({
  kind: 'Ingress',
  prepareForCreate: (ing) => {
    ing.status = { loadBalancer: {} };
  },
  validate: (ing) => [
    ...validateObjectMeta(ing.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validateIngressSpec(rec(ing.spec)),
  ],
  validateCreateOnly: (ing) => {
    const annotation = rec(rec(ing.metadata).annotations)['kubernetes.io/ingress.class'];
    const className = rec(ing.spec).ingressClassName;
    return annotation !== undefined && className !== undefined && annotation !== className
      ? [
          fieldError.invalid(
            'annotations.kubernetes.io/ingress.class',
            annotation,
            'must match `ingressClassName` when both are specified',
          ),
        ]
      : [];
  },
});

/** `validateIngressClassParametersReference`. */
function validateParameters(params: unknown, path: string): FieldError[] {
  if (!isRecord(params)) return [];
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name'] as const)
    if (!str(params[f])) errs.push(fieldError.required(child(path, f)));
  const scope = params.scope;
  if (scope === undefined) return [...errs, fieldError.required(child(path, 'scope'))];
  if (scope !== 'Cluster' && scope !== 'Namespace') {
    errs.push(fieldError.notSupported(child(path, 'scope'), scope, ['Cluster', 'Namespace']));
  } else if (scope === 'Namespace') {
    const ns = str(params.namespace);
    if (ns === undefined)
      errs.push(fieldError.required(child(path, 'namespace'), "`parameters.scope` is set to 'Namespace'"));
    else errs.push(...isDNS1123Label(ns).map((m) => fieldError.invalid(child(path, 'namespace'), ns, m)));
  } else if (params.namespace !== undefined) {
    errs.push(fieldError.forbidden(child(path, 'namespace'), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

function validateIngressClass(ic: JsonObject): FieldError[] {
  const spec = rec(ic.spec);
  const errs = validateObjectMeta(ic.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const controller = str(spec.controller) ?? '';
  if (!controller) errs.push(fieldError.required('spec.controller'));
  else {
    if (Buffer.byteLength(controller) > 250) {
      errs.push({
        type: 'FieldValueTooLong',
        field: 'spec.controller',
        detail: 'must have at most 250 bytes',
      });
    }
    for (const [value, m] of isDomainPrefixedPath(controller))
      errs.push(fieldError.invalid('spec.controller', value, m));
  }
  return [...errs, ...validateParameters(spec.parameters, 'spec.parameters')];
}

defineKind({
  kind: 'IngressClass',
  defaults: (ic) => {
    const params = rec(ic.spec).parameters;
    if (isRecord(params) && params.scope === undefined) params.scope = 'Cluster';
  },
  validate: validateIngressClass,
  validateUpdate: (ic, old) =>
    validateImmutable(rec(ic.spec).controller, rec(old.spec).controller, 'spec.controller'),
});
