/**
 * The protobuf messages netkube decodes: the objects kubectl's `create`
 * generators send for the resources netkube serves (`create deployment`,
 * `namespace`, `configmap`, `secret generic|tls|docker-registry`, `service
 * clusterip|nodeport|loadbalancer|externalname`, `ingress`) and the reviews of
 * `auth can-i` and `auth whoami`, with the fields a user can set through them
 * and the ones gogo always writes.
 *
 * Field numbers are Kubernetes' (`generated.proto` of k8s.io/api and
 * apimachinery, stable across releases); the JSON names and their order are
 * the Go structs'. A field is written `NUMBER JSON TYPE`:
 *
 * - `*` before the type: a pointer in Go, so present-but-zero is kept
 *   (`replicas: 0`); other scalars are omitted when zero, as `omitempty` does;
 * - `[]`: repeated; `map<T>`: a map from string to T;
 * - `inline`: the message's fields are the parent's (`json:",inline"`);
 * - `skip`: read and dropped (an object's `status`, which the API server
 *   resets on create).
 *
 * A field a message does not list is accepted only with its zero value
 * (gogo writes every non-pointer field); anything else is refused by name
 * rather than dropped.
 */

/** Scalars and the apimachinery types with their own JSON form. */
export type ScalarType =
  | 'string'
  | 'bytes'
  | 'int32'
  | 'int64'
  | 'bool'
  | 'Time'
  | 'Quantity'
  | 'IntOrString';

export interface FieldSpec {
  readonly number: number;
  readonly json: string;
  /** A scalar type or a message name of `MESSAGES`. */
  readonly type: string;
  readonly pointer: boolean;
  readonly repeated: boolean;
  /** A `map<string, type>`. */
  readonly map: boolean;
  readonly inline: boolean;
  readonly skip: boolean;
}

export interface MessageSpec {
  /** How an error names it: `apps/v1 DeploymentSpec`. */
  readonly name: string;
  /** In Go struct order. */
  readonly fields: readonly FieldSpec[];
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
}

const SCALARS = new Set<string>([
  'string',
  'bytes',
  'int32',
  'int64',
  'bool',
  'Time',
  'Quantity',
  'IntOrString',
]);

export function isScalar(type: string): type is ScalarType {
  return SCALARS.has(type);
}

const FIELD = /^(\d+) (\w+) (?:(skip)|(inline )?(\*)?(\[\]|map<)?(\w+)>?)$/;

function message(group: string, name: string, fields: readonly string[]): MessageSpec {
  const specs = fields.map((text): FieldSpec => {
    const m = FIELD.exec(text);
    if (!m) throw new TypeError(`bad field spec "${text}" in ${name}`);
    const skip = m[3] === 'skip';
    return {
      number: Number(m[1]),
      json: m[2] as string,
      type: skip ? 'skip' : (m[7] as string),
      pointer: m[5] === '*',
      repeated: m[6] === '[]',
      map: m[6] === 'map<',
      inline: m[4] === 'inline ',
      skip,
    };
  });
  return { name: `${group} ${name}`, fields: specs, byNumber: new Map(specs.map((f) => [f.number, f])) };
}

const META = 'meta/v1';
const CORE = 'core/v1';

export const MESSAGES: Readonly<Record<string, MessageSpec>> = {
  ObjectMeta: message(META, 'ObjectMeta', [
    '1 name string',
    '2 generateName string',
    '3 namespace string',
    '4 selfLink string',
    '5 uid string',
    '6 resourceVersion string',
    '7 generation int64',
    '8 creationTimestamp Time',
    '9 deletionTimestamp *Time',
    '10 deletionGracePeriodSeconds *int64',
    '11 labels map<string>',
    '12 annotations map<string>',
    '13 ownerReferences []OwnerReference',
    '14 finalizers []string',
  ]),
  OwnerReference: message(META, 'OwnerReference', [
    '5 apiVersion string',
    '1 kind string',
    '3 name string',
    '4 uid string',
    '6 controller *bool',
    '7 blockOwnerDeletion *bool',
  ]),
  LabelSelector: message(META, 'LabelSelector', [
    '1 matchLabels map<string>',
    '2 matchExpressions []LabelSelectorRequirement',
  ]),
  LabelSelectorRequirement: message(META, 'LabelSelectorRequirement', [
    '1 key string',
    '2 operator string',
    '3 values []string',
  ]),

  Deployment: message('apps/v1', 'Deployment', [
    '1 metadata ObjectMeta',
    '2 spec DeploymentSpec',
    '3 status skip',
  ]),
  DeploymentSpec: message('apps/v1', 'DeploymentSpec', [
    '1 replicas *int32',
    '2 selector *LabelSelector',
    '3 template PodTemplateSpec',
    '4 strategy DeploymentStrategy',
    '5 minReadySeconds int32',
    '6 revisionHistoryLimit *int32',
    '7 paused bool',
    '9 progressDeadlineSeconds *int32',
  ]),
  DeploymentStrategy: message('apps/v1', 'DeploymentStrategy', [
    '1 type string',
    '2 rollingUpdate *RollingUpdateDeployment',
  ]),
  RollingUpdateDeployment: message('apps/v1', 'RollingUpdateDeployment', [
    '1 maxUnavailable *IntOrString',
    '2 maxSurge *IntOrString',
  ]),

  PodTemplateSpec: message(CORE, 'PodTemplateSpec', ['1 metadata ObjectMeta', '2 spec PodSpec']),
  PodSpec: message(CORE, 'PodSpec', [
    '20 initContainers []Container',
    '2 containers []Container',
    '3 restartPolicy string',
    '4 terminationGracePeriodSeconds *int64',
    '5 activeDeadlineSeconds *int64',
    '6 dnsPolicy string',
    '7 nodeSelector map<string>',
    '8 serviceAccountName string',
    '9 serviceAccount string',
    '21 automountServiceAccountToken *bool',
    '10 nodeName string',
    '11 hostNetwork bool',
    '12 hostPID bool',
    '13 hostIPC bool',
    '27 shareProcessNamespace *bool',
    '15 imagePullSecrets []LocalObjectReference',
    '16 hostname string',
    '17 subdomain string',
    '19 schedulerName string',
    '24 priorityClassName string',
    '25 priority *int32',
    '29 runtimeClassName *string',
    '30 enableServiceLinks *bool',
    '31 preemptionPolicy *string',
    '35 setHostnameAsFQDN *bool',
    '37 hostUsers *bool',
  ]),
  LocalObjectReference: message(CORE, 'LocalObjectReference', ['1 name string']),
  Container: message(CORE, 'Container', [
    '1 name string',
    '2 image string',
    '3 command []string',
    '4 args []string',
    '5 workingDir string',
    '6 ports []ContainerPort',
    '7 env []EnvVar',
    '8 resources ResourceRequirements',
    '24 restartPolicy *string',
    '13 terminationMessagePath string',
    '20 terminationMessagePolicy string',
    '14 imagePullPolicy string',
    '16 stdin bool',
    '17 stdinOnce bool',
    '18 tty bool',
  ]),
  ContainerPort: message(CORE, 'ContainerPort', [
    '1 name string',
    '2 hostPort int32',
    '3 containerPort int32',
    '4 protocol string',
    '5 hostIP string',
  ]),
  EnvVar: message(CORE, 'EnvVar', ['1 name string', '2 value string']),
  ResourceRequirements: message(CORE, 'ResourceRequirements', [
    '1 limits map<Quantity>',
    '2 requests map<Quantity>',
  ]),

  Namespace: message(CORE, 'Namespace', ['1 metadata ObjectMeta', '2 spec NamespaceSpec', '3 status skip']),
  NamespaceSpec: message(CORE, 'NamespaceSpec', ['1 finalizers []string']),
  ConfigMap: message(CORE, 'ConfigMap', [
    '1 metadata ObjectMeta',
    '4 immutable *bool',
    '2 data map<string>',
    '3 binaryData map<bytes>',
  ]),
  Secret: message(CORE, 'Secret', [
    '1 metadata ObjectMeta',
    '5 immutable *bool',
    '2 data map<bytes>',
    '4 stringData map<string>',
    '3 type string',
  ]),

  Service: message(CORE, 'Service', ['1 metadata ObjectMeta', '2 spec ServiceSpec', '3 status skip']),
  ServiceSpec: message(CORE, 'ServiceSpec', [
    '1 ports []ServicePort',
    '2 selector map<string>',
    '3 clusterIP string',
    '18 clusterIPs []string',
    '4 type string',
    '5 externalIPs []string',
    '7 sessionAffinity string',
    '8 loadBalancerIP string',
    '9 loadBalancerSourceRanges []string',
    '10 externalName string',
    '11 externalTrafficPolicy string',
    '12 healthCheckNodePort int32',
    '13 publishNotReadyAddresses bool',
    '14 sessionAffinityConfig *SessionAffinityConfig',
    '19 ipFamilies []string',
    '17 ipFamilyPolicy *string',
    '20 allocateLoadBalancerNodePorts *bool',
    '21 loadBalancerClass *string',
    '22 internalTrafficPolicy *string',
    '23 trafficDistribution *string',
  ]),
  ServicePort: message(CORE, 'ServicePort', [
    '1 name string',
    '2 protocol string',
    '6 appProtocol *string',
    '3 port int32',
    '4 targetPort IntOrString',
    '5 nodePort int32',
  ]),
  SessionAffinityConfig: message(CORE, 'SessionAffinityConfig', ['1 clientIP *ClientIPConfig']),
  ClientIPConfig: message(CORE, 'ClientIPConfig', ['1 timeoutSeconds *int32']),
  TypedLocalObjectReference: message(CORE, 'TypedLocalObjectReference', [
    '1 apiGroup *string',
    '2 kind string',
    '3 name string',
  ]),

  Ingress: message('networking/v1', 'Ingress', [
    '1 metadata ObjectMeta',
    '2 spec IngressSpec',
    '3 status skip',
  ]),
  IngressSpec: message('networking/v1', 'IngressSpec', [
    '4 ingressClassName *string',
    '1 defaultBackend *IngressBackend',
    '2 tls []IngressTLS',
    '3 rules []IngressRule',
  ]),
  IngressBackend: message('networking/v1', 'IngressBackend', [
    '4 service *IngressServiceBackend',
    '3 resource *TypedLocalObjectReference',
  ]),
  IngressServiceBackend: message('networking/v1', 'IngressServiceBackend', [
    '1 name string',
    '2 port ServiceBackendPort',
  ]),
  ServiceBackendPort: message('networking/v1', 'ServiceBackendPort', ['1 name string', '2 number int32']),
  IngressTLS: message('networking/v1', 'IngressTLS', ['1 hosts []string', '2 secretName string']),
  IngressRule: message('networking/v1', 'IngressRule', [
    '1 host string',
    '2 ingressRuleValue inline IngressRuleValue',
  ]),
  IngressRuleValue: message('networking/v1', 'IngressRuleValue', ['1 http *HTTPIngressRuleValue']),
  HTTPIngressRuleValue: message('networking/v1', 'HTTPIngressRuleValue', ['1 paths []HTTPIngressPath']),
  HTTPIngressPath: message('networking/v1', 'HTTPIngressPath', [
    '1 path string',
    '3 pathType *string',
    '2 backend IngressBackend',
  ]),

  // The reviews kubectl's typed clients send (`auth can-i`, `auth can-i --list`, `auth whoami`).
  SelfSubjectAccessReview: message('authorization/v1', 'SelfSubjectAccessReview', [
    '1 metadata ObjectMeta',
    '2 spec SelfSubjectAccessReviewSpec',
    '3 status skip',
  ]),
  SelfSubjectAccessReviewSpec: message('authorization/v1', 'SelfSubjectAccessReviewSpec', [
    '1 resourceAttributes *ResourceAttributes',
    '2 nonResourceAttributes *NonResourceAttributes',
  ]),
  ResourceAttributes: message('authorization/v1', 'ResourceAttributes', [
    '1 namespace string',
    '2 verb string',
    '3 group string',
    '4 version string',
    '5 resource string',
    '6 subresource string',
    '7 name string',
    '8 fieldSelector *FieldSelectorAttributes',
    '9 labelSelector *LabelSelectorAttributes',
  ]),
  FieldSelectorAttributes: message('authorization/v1', 'FieldSelectorAttributes', [
    '1 rawSelector string',
    '2 requirements []FieldSelectorRequirement',
  ]),
  LabelSelectorAttributes: message('authorization/v1', 'LabelSelectorAttributes', [
    '1 rawSelector string',
    '2 requirements []LabelSelectorRequirement',
  ]),
  FieldSelectorRequirement: message(META, 'FieldSelectorRequirement', [
    '1 key string',
    '2 operator string',
    '3 values []string',
  ]),
  NonResourceAttributes: message('authorization/v1', 'NonResourceAttributes', [
    '1 path string',
    '2 verb string',
  ]),
  SelfSubjectRulesReview: message('authorization/v1', 'SelfSubjectRulesReview', [
    '1 metadata ObjectMeta',
    '2 spec SelfSubjectRulesReviewSpec',
    '3 status skip',
  ]),
  SelfSubjectRulesReviewSpec: message('authorization/v1', 'SelfSubjectRulesReviewSpec', [
    '1 namespace string',
  ]),
  SelfSubjectReview: message('authentication/v1', 'SelfSubjectReview', [
    '1 metadata ObjectMeta',
    '2 status skip',
  ]),
};

/** The top-level objects, by `apiVersion` and `kind` of the envelope. */
export const TOP_LEVEL: ReadonlyMap<string, string> = new Map([
  ['apps/v1 Deployment', 'Deployment'],
  ['v1 Namespace', 'Namespace'],
  ['v1 ConfigMap', 'ConfigMap'],
  ['v1 Secret', 'Secret'],
  ['v1 Service', 'Service'],
  ['networking.k8s.io/v1 Ingress', 'Ingress'],
  ['authorization.k8s.io/v1 SelfSubjectAccessReview', 'SelfSubjectAccessReview'],
  ['authorization.k8s.io/v1 SelfSubjectRulesReview', 'SelfSubjectRulesReview'],
  ['authentication.k8s.io/v1 SelfSubjectReview', 'SelfSubjectReview'],
]);
