/**
 * What the route compiler found wrong with the Ingresses it served, as data.
 * Nothing here stops an Ingress from being served: like ingress-nginx, the
 * compiler skips or defaults the bad part and keeps the rest. The
 * `IngressStatusController` turns each diagnostic into an Event on its Ingress.
 */
import { assertNever } from '../util/assert-never.js';
import type { IngressRef } from './types.js';

export type Diagnostic =
  /** Emitted when a path repeats another Ingress's host, path and pathType; the older Ingress keeps it. */
  | {
      readonly kind: 'path-conflict';
      readonly ingress: IngressRef;
      readonly host: string;
      readonly path: string;
      readonly pathType: string;
      readonly winner: IngressRef;
      readonly message: string;
    }
  /**
   * Emitted when an Exact/Prefix path has characters ingress-nginx's
   * `strict-validate-path-type` refuses (regex without `ImplementationSpecific`).
   * The path is still served as the literal string nginx would use.
   */
  | {
      readonly kind: 'invalid-path';
      readonly ingress: IngressRef;
      readonly host: string;
      readonly path: string;
      readonly pathType: string;
      readonly message: string;
    }
  /** Emitted when a path is not a valid regular expression where one is required; the path is skipped. */
  | {
      readonly kind: 'invalid-regex';
      readonly ingress: IngressRef;
      readonly path: string;
      readonly message: string;
    }
  /** Emitted for an `nginx.ingress.kubernetes.io/` annotation ingress-nginx does not know. */
  | {
      readonly kind: 'unknown-annotation';
      readonly ingress: IngressRef;
      readonly annotation: string;
      readonly message: string;
    }
  /** Emitted for an annotation ingress-nginx knows but netkube does not emulate (it has no effect). */
  | {
      readonly kind: 'unsupported-annotation';
      readonly ingress: IngressRef;
      readonly annotation: string;
      readonly message: string;
    }
  /** Emitted when an annotation's value is invalid; its default applies. */
  | {
      readonly kind: 'invalid-annotation';
      readonly ingress: IngressRef;
      readonly annotation: string;
      readonly message: string;
    }
  /** Emitted when a backend names a Service that does not exist (requests answer 503). */
  | {
      readonly kind: 'service-missing';
      readonly ingress: IngressRef;
      /** `namespace/name` of the Service. */
      readonly service: string;
      readonly message: string;
    }
  /** Emitted when a backend names a port the Service does not have (requests answer 503). */
  | {
      readonly kind: 'port-missing';
      readonly ingress: IngressRef;
      readonly service: string;
      readonly message: string;
    }
  /** Emitted when a backend Service has no ready endpoint (requests answer 503). */
  | {
      readonly kind: 'no-endpoints';
      readonly ingress: IngressRef;
      readonly service: string;
      readonly message: string;
    }
  /** Emitted when a canary Ingress has no main Ingress with the same host, path and pathType. */
  | { readonly kind: 'canary-unmerged'; readonly ingress: IngressRef; readonly message: string }
  /** Emitted when a TLS Secret is missing, invalid or does not cover a host; the default certificate is used. */
  | {
      readonly kind: 'tls';
      readonly ingress: IngressRef;
      /** `namespace/name` of the Secret. */
      readonly secret: string;
      readonly problem: 'secret-missing' | 'secret-invalid' | 'host-not-covered';
      readonly message: string;
    };

export type DiagnosticKind = Diagnostic['kind'];

/** The Event `reason` and `type` a diagnostic is recorded with. */
export function eventFor(d: Diagnostic): { readonly reason: string; readonly type: 'Warning' } {
  switch (d.kind) {
    case 'path-conflict':
      return { reason: 'PathConflict', type: 'Warning' };
    case 'invalid-path':
    case 'invalid-regex':
      return { reason: 'InvalidPath', type: 'Warning' };
    case 'unknown-annotation':
      return { reason: 'UnknownAnnotation', type: 'Warning' };
    case 'unsupported-annotation':
      return { reason: 'UnsupportedAnnotation', type: 'Warning' };
    case 'invalid-annotation':
      return { reason: 'AnnotationParsingFailed', type: 'Warning' };
    case 'service-missing':
    case 'port-missing':
    case 'no-endpoints':
      return { reason: 'BackendUnavailable', type: 'Warning' };
    case 'canary-unmerged':
      return { reason: 'CanaryUnmerged', type: 'Warning' };
    case 'tls':
      return { reason: 'TLSCertificate', type: 'Warning' };
    default:
      return assertNever(d, 'diagnostic');
  }
}
