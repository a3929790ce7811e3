/**
 * The Pod strategy: defaulting (`SetDefaults_Pod` on top of the shared pod
 * spec defaults), the admission defaults a real cluster adds on create
 * (DefaultTolerationSeconds, ServiceAccount, Priority), the Pending status
 * with its QoS class, and `ValidatePodCreate`/`ValidatePodUpdate`.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { parseQuantity } from '../quantity.js';
import { nameIsDNSSubdomain, validateObjectMeta } from '../validation/meta.js';
import { arr, child, index, isRecord, type JsonObject, rec, recs, str } from '../validation/values.js';
import { defineKind } from './define.js';
import { defaultPodSpec } from './pod-defaults.js';
import { validatePodSpec } from './pod-spec-validation.js';
import { validatePodUpdate } from './pod-update.js';

/** `SetDefaults_Pod`: requests default to limits; service links on; host-network ports. */
function defaultPod(pod: JsonObject): void {
  if (!isRecord(pod.spec)) pod.spec = {};
  const spec = pod.spec as JsonObject;
  defaultPodSpec(spec);
  for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
    const resources = rec(c.resources);
    if (!isRecord(resources.limits)) continue;
    const requests = isRecord(resources.requests) ? resources.requests : {};
    for (const [name, value] of Object.entries(resources.limits)) {
      // A malformed quantity never gets this far on a real server (it fails to decode), so it is not copied.
      if (!(name in requests) && parseQuantity(String(value)) !== undefined) requests[name] = value;
    }
    resources.requests = requests;
  }
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
      for (const port of recs(c.ports)) if (!port.hostPort) port.hostPort = port.containerPort;
    }
  }
}

const QOS_RESOURCES = ['cpu', 'memory'] as const;

function nonZero(value: unknown): boolean {
  const q = typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : undefined;
  return q !== undefined && q.n !== 0n;
}

/** `qos.GetPodQOS`: Guaranteed, Burstable or BestEffort, from cpu and memory requests and limits. */
export function podQOSClass(spec: unknown): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const s = rec(spec);
  const requests = new Map<string, bigint[]>();
  const limits = new Map<string, bigint[]>();
  let guaranteed = true;
  for (const c of [...recs(s.containers), ...recs(s.initContainers)]) {
    const resources = rec(c.resources);
    let limitsFound = 0;
    for (const name of QOS_RESOURCES) {
      const req = rec(resources.requests)[name];
      const lim = rec(resources.limits)[name];
      if (nonZero(req)) requests.set(name, [...(requests.get(name) ?? []), milli(req)]);
      if (nonZero(lim)) {
        limits.set(name, [...(limits.get(name) ?? []), milli(lim)]);
        limitsFound++;
      }
    }
    if (limitsFound < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  const sum = (xs: bigint[] | undefined) => (xs ?? []).reduce((a, b) => a + b, 0n);
  for (const name of requests.keys())
    if (sum(requests.get(name)) !== sum(limits.get(name))) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function milli(value: unknown): bigint {
  const q = parseQuantity(value as string | number);
  return q ? (q.n * 1000n) / 10n ** BigInt(q.scale) : 0n;
}

/**
 * `--default-not-ready-toleration-seconds` / `--default-unreachable-toleration-seconds`
 * of kube-apiserver (300 by default). Process-wide configuration, like an API
 * server flag: the emulator sets it from the topology's
 * `nodeLifecycle.podEvictionTimeoutSeconds` at start.
 */
let tolerationSeconds = 300;

/** Sets the default toleration of the not-ready/unreachable taints (the DefaultTolerationSeconds flags). */
export function setDefaultTolerationSeconds(seconds: number): void {
  tolerationSeconds = seconds;
}

/**
 * The DefaultTolerationSeconds admission plugin: pods tolerate the
 * `not-ready` and `unreachable` NoExecute taints for 300 s (the flag's value)
 * unless they say otherwise, which is how long a dead node's pods survive
 * before eviction.
 */
function addDefaultTolerations(spec: JsonObject): void {
  const tolerations = recs(spec.tolerations);
  const tolerates = (key: string) =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const added: JsonObject[] = [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerates(key)) {
      added.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds });
    }
  }
  if (added.length) spec.tolerations = [...arr(spec.tolerations), ...added];
}

/**
 * Pod create: status Pending with its QoS class (pod strategy
 * `PrepareForCreate`), then the mutating admission a kubeadm cluster runs:
 * default tolerations, the `default` service account (without a token
 * volume: netkube has no ServiceAccount objects) and priority 0 with
 * `PreemptLowerPriority` (no PriorityClass exists).
 */
function prepareForCreate(pod: JsonObject): void {
  const spec = rec(pod.spec);
  pod.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
  addDefaultTolerations(spec);
  if (!spec.serviceAccountName) spec.serviceAccountName = str(spec.serviceAccount) ?? 'default';
  if (!spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  if (spec.priority === undefined && !spec.priorityClassName) spec.priority = 0;
  if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
  pod.spec = spec;
}

/** `ValidatePodSpecificAnnotations`: the deletion cost must be a 32-bit integer. */
function validatePodAnnotations(metadata: unknown): FieldError[] {
  const cost = rec(rec(metadata).annotations)['controller.kubernetes.io/pod-deletion-cost'];
  if (cost === undefined) return [];
  const text = String(cost);
  const n = Number(text);
  const ok = /^[-+]?[0-9]+$/.test(text) && n >= -2147483648 && n <= 2147483647;
  return ok
    ? []
    : [
        fieldError.invalid(
          'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]',
          text,
          'must be a 32bit integer',
        ),
      ];
}

/** `validatePodMetadataAndSpec` plus the create-only rules of `ValidatePodCreate`. */
function validatePod(pod: JsonObject): FieldError[] {
  const spec = rec(pod.spec);
  const errs = [
    ...validateObjectMeta(pod.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validatePodAnnotations(pod.metadata),
    ...validatePodSpec(spec, 'spec'),
  ];
  for (const list of ['containers', 'initContainers'] as const) {
    recs(spec[list]).forEach((c, i) => {
      const image = str(c.image);
      if (image && image !== image.trim()) {
        errs.push(
          fieldError.invalid(
            child(index(child('spec', list), i), 'image'),
            image,
            'must not have leading or trailing whitespace',
          ),
        );
      }
    });
  }
  return errs;
}

/** `ValidatePodCreate`'s rules beyond `validatePod`. */
function validateCreateOnly(pod: JsonObject): FieldError[] {
  const spec = rec(pod.spec);
  const errs: FieldError[] = [];
  if (arr(spec.ephemeralContainers).length > 0) {
    errs.push(fieldError.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  }
  if (str(spec.nodeName) && arr(spec.schedulingGates).length > 0) {
    errs.push(
      fieldError.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'),
    );
  }
  return errs;
}

defineKind({
  kind: 'Pod',
  defaults: defaultPod,
  prepareForCreate,
  validate: validatePod,
  validateCreateOnly,
  validateUpdate: validatePodUpdate,
});
