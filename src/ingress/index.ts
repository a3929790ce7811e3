/**
 * The ingress part: an ingress-nginx-like route compiler (pure), the request
 * matcher the proxy and the tracer share, and the controller's L7 proxy app.
 */

export {
  defaultIngressClassAdmission,
  ingressNginxValidationAdmission,
  invalidPathErrors,
} from './admission.js';
export { ANNOTATION_PREFIX } from './annotation-values.js';
export {
  type AffinityConfig,
  type BackendProtocol,
  type CanaryConfig,
  DEFAULT_LOCATION_CONFIG,
  type LocationConfig,
  type ParsedAnnotations,
  parseAnnotations,
  type UpstreamPolicy,
} from './annotations.js';
export { type ControllerOptions, IngressControllerApp } from './app/app.js';
export {
  type IngressClusterView,
  StaticClusterView,
  snapshotFromView,
  storeClusterView,
} from './app/cluster-view.js';
export { DEFAULT_FRONT_LIMITS, type FrontLimits } from './app/http-front.js';
export {
  type IngressControllerDeps,
  ingressControllerProfile,
  parseControllerFlags,
} from './app/profile.js';
export { backendKey, type CanaryVerdict, routeToCanary } from './canary.js';
export {
  FAKE_CERTIFICATE_CN,
  fakeCertificate,
  type PemPair,
  selfSignedCertificate,
  selfSignedTlsSecret,
} from './certs.js';
export { type CompileOptions, compileIngress, type IngressSnapshot } from './compile.js';
export { type Diagnostic, type DiagnosticKind, eventFor } from './diagnostics.js';
export { dumpRouteTable } from './dump.js';
export { type IngressRoutesConfig, ingressExtensionRoutes, parseSelfSignedRequest } from './extension.js';
export { certificateServer, normaliseHost, selectServer, wildcardKey } from './hosts.js';
export {
  type ClassDecision,
  type ClassOptions,
  classifyIngress,
  DEFAULT_CLASS_ANNOTATION,
  DEFAULT_CLASS_OPTIONS,
  defaultIngressClass,
  INGRESS_CLASS_ANNOTATION,
  type IngressClassObject,
  type IngressObject,
} from './ingress-class.js';
export {
  type ErrorReason,
  type MatchDecision,
  type MatchInput,
  type MatchOptions,
  matchRequest,
  type RedirectReason,
  type RouteAction,
} from './match.js';
export { clientAllowed, type HeaderBag, headerOf, parseCookies } from './request-info.js';
export { type LocationVerdict, selectLocation } from './select-location.js';
export { IngressStatusController, type IngressStatusControllerConfig } from './status-controller.js';
export type { SecretObject } from './tls-config.js';
export type * from './types.js';
export { refKey } from './types.js';
export type { EndpointSliceObject, ServiceObject } from './upstreams.js';
