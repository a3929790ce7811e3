/**
 * Admission steps for Ingresses, for the emulator's Registry:
 *
 * - `defaultIngressClassAdmission`: kube-apiserver's DefaultIngressClass
 *   plugin — a new Ingress with neither `spec.ingressClassName` nor the
 *   `kubernetes.io/ingress.class` annotation gets the default IngressClass
 *   (`is-default-class: "true"`; the newest when several are, as Kubernetes
 *   ≥1.28 does).
 * - `ingressNginxValidationAdmission`: ingress-nginx's validating webhook
 *   (`validate.nginx.ingress.kubernetes.io`) for its own Ingresses: with
 *   `strict-validate-path-type` (the v1.12 default) an Exact or Prefix path
 *   with regex characters is refused as the real webhook refuses it; so is
 *   an Ingress with an annotation value whose parser returns a
 *   ValidationError (annotation-validation.ts), and one whose host+path is
 *   already a location of another Ingress (overlap.ts, `checkOverlap`).
 *   Ingresses stored without the webhook keep netkube's PathConflict
 *   diagnostics (oldest wins).
 */
import { badRequest } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionPlugin } from '../store/registry.js';
import { parseAnnotations } from './annotations.js';
import {
  type ClassOptions,
  classifyIngress,
  DEFAULT_CLASS_OPTIONS,
  defaultIngressClass,
  INGRESS_CLASS_ANNOTATION,
  type IngressClassObject,
  type IngressObject,
} from './ingress-class.js';
import { overlapError } from './overlap.js';
import { strictPathTypeError } from './paths.js';

const INGRESSES = 'ingresses.networking.k8s.io';
const INGRESS_CLASSES = 'ingressclasses.networking.k8s.io';

/** The DefaultIngressClass admission plugin. */
export function defaultIngressClassAdmission(): AdmissionPlugin {
  return {
    name: 'DefaultIngressClass',
    resources: [INGRESSES],
    admit(obj, _old, ctx) {
      if (ctx.operation !== 'CREATE' || ctx.subresource) return obj;
      const ing = obj as IngressObject;
      if (ing.spec?.ingressClassName !== undefined) return obj;
      if (ing.metadata.annotations?.[INGRESS_CLASS_ANNOTATION] !== undefined) return obj;
      const cls = defaultIngressClass(ctx.store.list(INGRESS_CLASSES));
      if (!cls?.metadata.name) return obj;
      return { ...ing, spec: { ...ing.spec, ingressClassName: cls.metadata.name } } as KubeObject;
    },
  };
}

/** Every path of `ing` the strict path-type validation refuses, as the webhook words them. */
export function invalidPathErrors(ing: IngressObject): string[] {
  const out: string[] = [];
  for (const rule of ing.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      const err = strictPathTypeError(p.path ?? '', p.pathType ?? '<nil>');
      if (err) out.push(err);
    }
  }
  return out;
}

/** ingress-nginx's validating admission webhook (path-type validation). */
export function ingressNginxValidationAdmission(options: Partial<ClassOptions> = {}): AdmissionPlugin {
  const classes = { ...DEFAULT_CLASS_OPTIONS, ...options };
  return {
    name: 'validate.nginx.ingress.kubernetes.io',
    resources: [INGRESSES],
    // A validating webhook: called after the API server's own validation.
    check(obj, _old, ctx) {
      if ((ctx.operation !== 'CREATE' && ctx.operation !== 'UPDATE') || ctx.subresource) return;
      const ing = obj as IngressObject;
      if (ing.metadata.deletionTimestamp) return;
      const decision = classifyIngress(ing, ctx.store.list<IngressClassObject>(INGRESS_CLASSES), classes);
      if (!decision.served) return;
      const deny = (msg: string) =>
        badRequest(`admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: ${msg}`);
      const errs = invalidPathErrors(ing);
      if (errs.length > 0) throw deny(`ingress contains invalid paths: ${errs.join('\n')}`);
      // Extract: an annotation parser's ValidationError.
      const ref = {
        namespace: ing.metadata.namespace ?? 'default',
        name: ing.metadata.name ?? '',
        creationTimestamp: '',
      };
      const invalid = parseAnnotations(ing.metadata.annotations, ref).validationError;
      if (invalid) throw deny(invalid);
      const overlap = overlapError({
        ingress: ing,
        ingresses: ctx.store.list<IngressObject>(INGRESSES),
        ingressClasses: ctx.store.list<IngressClassObject>(INGRESS_CLASSES),
        classes,
      });
      if (overlap) throw deny(overlap);
    },
  };
}
