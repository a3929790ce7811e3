/**
 * Which Ingresses a controller serves (reference §1.1; ingress-nginx
 * `store.GetIngressClass`): `spec.ingressClassName` first (the named
 * IngressClass must exist with our `spec.controller`), then the deprecated
 * `kubernetes.io/ingress.class` annotation (must equal our `--ingress-class`),
 * then class-less Ingresses only with `--watch-ingress-without-class`.
 * Class-less Ingresses normally never reach a controller: the
 * DefaultIngressClass admission step fills their class in (admission.ts). Pure.
 */
import type { Ingress, IngressClass, KubeObject, Typed } from '../api/types.js';

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** The controller's class settings (its `--controller-class`, `--ingress-class`, `--watch-ingress-without-class`). */
export interface ClassOptions {
  /** `spec.controller` of the IngressClasses this controller implements. @default 'k8s.io/ingress-nginx' */
  readonly controllerClass: string;
  /** The value of the deprecated annotation this controller accepts. @default 'nginx' */
  readonly ingressClass: string;
  /** Serve Ingresses with neither field nor annotation. @default false */
  readonly watchWithoutClass: boolean;
}

export const DEFAULT_CLASS_OPTIONS: ClassOptions = {
  controllerClass: 'k8s.io/ingress-nginx',
  ingressClass: 'nginx',
  watchWithoutClass: false,
};

export type IngressObject = Typed<Ingress>;
export type IngressClassObject = Typed<IngressClass>;

/** Whether an Ingress is served, and by which rule (or why not). */
export type ClassDecision =
  | { readonly served: true; readonly via: 'ingressClassName' | 'annotation' | 'without-class' }
  | { readonly served: false; readonly reason: string };

/** Decides whether this controller serves `ingress`, given every IngressClass of the cluster. */
export function classifyIngress(
  ingress: IngressObject,
  classes: readonly IngressClassObject[],
  options: ClassOptions = DEFAULT_CLASS_OPTIONS,
): ClassDecision {
  const className = ingress.spec?.ingressClassName;
  if (className !== undefined && className !== '') {
    const cls = classes.find((c) => c.metadata.name === className);
    if (!cls) return { served: false, reason: `ingressclass.networking.k8s.io "${className}" not found` };
    if (cls.spec?.controller !== options.controllerClass) {
      return {
        served: false,
        reason: `IngressClass ${className} has controller ${cls.spec?.controller ?? '""'}, not ${options.controllerClass}`,
      };
    }
    return { served: true, via: 'ingressClassName' };
  }
  const annotation = ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotation !== undefined) {
    if (annotation !== options.ingressClass)
      return {
        served: false,
        reason: 'ingress class annotation is not equal to the expected by Ingress Controller',
      };
    return { served: true, via: 'annotation' };
  }
  if (options.watchWithoutClass) return { served: true, via: 'without-class' };
  return { served: false, reason: 'ingress does not contain a valid IngressClass' };
}

/**
 * The IngressClass new class-less Ingresses get: the one annotated
 * `is-default-class: "true"`, the newest when several are (Kubernetes ≥1.28
 * `getDefaultClass`; older releases rejected the Ingress instead).
 */
export function defaultIngressClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  defaults.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta > tb ? -1 : 1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0];
}
