/**
 * Pod and pod-template defaulting, as `pkg/apis/core/v1/defaults.go` does it.
 * The same functions default a Pod's spec and the templates of ReplicaSets and
 * Deployments, so a template compares equal however it arrived (kubectl sends
 * `resources: {}` and `creationTimestamp: null` back on `rollout undo`;
 * kubectl-api.md §3.9). Every function is idempotent: defaulting a defaulted
 * object changes nothing.
 *
 * The `default*` functions mutate the private copy they are given (the kind
 * strategies clone first); `defaultPodTemplate` and `canonicalPodTemplate` are
 * pure.
 */
import { canonicalize, deepClone } from '../json.js';
import { formatQuantity, parseQuantity, roundUpToMilli } from '../quantity.js';
import { isRecord, type JsonObject } from '../validation/values.js';

/** `SetDefaults_Probe` and, for its `httpGet`, `SetDefaults_HTTPGetAction`. */
export function defaultProbe(probe: JsonObject): void {
  if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
  if (!probe.periodSeconds) probe.periodSeconds = 10;
  if (!probe.successThreshold) probe.successThreshold = 1;
  if (!probe.failureThreshold) probe.failureThreshold = 3;
  defaultHttpGet(probe.httpGet);
}

function defaultHttpGet(httpGet: unknown): void {
  if (!isRecord(httpGet)) return;
  if (!httpGet.path) httpGet.path = '/';
  if (!httpGet.scheme) httpGet.scheme = 'HTTP';
}

/**
 * The image tag as `parsers.ParseImageName` reads it: the text after the last
 * `:` of the last path segment; `latest` when there is neither tag nor digest;
 * empty for a digest-only or malformed reference.
 */
export function imageTag(image: string): string {
  const m = IMAGE_REFERENCE.exec(image);
  if (!m?.groups) return '';
  const { tag, digest } = m.groups;
  if (tag) return tag;
  return digest ? '' : 'latest';
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** A docker image reference: `[domain[:port]/]path[:tag][@digest]`. */
const IMAGE_REFERENCE = new RegExp(
  `^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    '(?::(?<tag>[\\w][\\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$',
);

/** Rounds each quantity up to milli-units and stores its canonical text (`SetDefaults_ResourceList`). */
export function defaultResourceList(list: unknown): void {
  if (!isRecord(list)) return;
  for (const [name, value] of Object.entries(list)) {
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const q = parseQuantity(value);
    if (q) list[name] = formatQuantity(roundUpToMilli(q));
  }
}

/** `SetDefaults_Container`, plus its ports, probes, lifecycle handlers and env field refs. */
export function defaultContainer(c: JsonObject): void {
  if (!c.imagePullPolicy) {
    c.imagePullPolicy =
      imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  if (!isRecord(c.resources)) c.resources = {};
  const resources = c.resources as JsonObject;
  defaultResourceList(resources.limits);
  defaultResourceList(resources.requests);
  for (const port of Array.isArray(c.ports) ? c.ports : []) {
    if (isRecord(port) && !port.protocol) port.protocol = 'TCP';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe])
    if (isRecord(probe)) defaultProbe(probe);
  if (isRecord(c.lifecycle)) {
    for (const handler of [c.lifecycle.postStart, c.lifecycle.preStop]) {
      if (isRecord(handler)) defaultHttpGet(handler.httpGet);
    }
  }
  for (const env of Array.isArray(c.env) ? c.env : []) {
    const fieldRef = isRecord(env) && isRecord(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isRecord(fieldRef) && !fieldRef.apiVersion) fieldRef.apiVersion = 'v1';
  }
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;

/** The volume sources a volume sets (validation wants exactly one). */
export function volumeSources(volume: JsonObject): string[] {
  return VOLUME_SOURCES.filter((s) => volume[s] !== undefined && volume[s] !== null);
}

/** `SetDefaults_Volume` and the per-source `defaultMode: 420` (0644) defaults. */
function defaultVolume(volume: JsonObject): void {
  if (volumeSources(volume).length === 0) volume.emptyDir = {};
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected'] as const) {
    const s = volume[source];
    if (isRecord(s) && s.defaultMode === undefined) s.defaultMode = 420;
  }
  if (isRecord(volume.hostPath) && volume.hostPath.type === undefined) volume.hostPath.type = '';
  if (isRecord(volume.projected)) {
    for (const src of Array.isArray(volume.projected.sources) ? volume.projected.sources : []) {
      const token = isRecord(src) ? src.serviceAccountToken : undefined;
      if (isRecord(token) && token.expirationSeconds === undefined) token.expirationSeconds = 3600;
    }
  }
}

function eachObject(list: unknown, fn: (item: JsonObject) => void): void {
  if (Array.isArray(list)) for (const item of list) if (isRecord(item)) fn(item);
}

/** `SetDefaults_PodSpec` and everything inside it, for pods and templates alike. */
export function defaultPodSpec(spec: JsonObject): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isRecord(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  eachObject(spec.containers, defaultContainer);
  eachObject(spec.initContainers, defaultContainer);
  eachObject(spec.ephemeralContainers, defaultContainer);
  eachObject(spec.volumes, defaultVolume);
  defaultResourceList(spec.overhead);
}

/** Defaults a pod template (`metadata` + `spec`) in place. */
export function defaultPodTemplateSpec(template: JsonObject): void {
  if (!isRecord(template.spec)) template.spec = {};
  defaultPodSpec(template.spec as JsonObject);
}

/** A defaulted copy of a pod template; the input is not modified. */
export function defaultPodTemplate(template: unknown): JsonObject {
  const copy = isRecord(template) ? deepClone(template) : {};
  defaultPodTemplateSpec(copy);
  return copy;
}

/** The label the deployment controller adds to ReplicaSet templates and pods. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * The canonical form of a pod template, for comparing and hashing templates
 * as the deployment controller does (`EqualIgnoreHash`): defaulted, with
 * null/empty values and the `pod-template-hash` label dropped and keys
 * sorted. `JSON.stringify` of the result is stable; two templates are
 * semantically equal exactly when their canonical forms are deep-equal.
 */
export function canonicalPodTemplate(template: unknown): JsonObject {
  const copy = defaultPodTemplate(template);
  const metadata = copy.metadata;
  if (isRecord(metadata) && isRecord(metadata.labels)) delete metadata.labels[POD_TEMPLATE_HASH_LABEL];
  const canonical = canonicalize(copy);
  return isRecord(canonical) ? canonical : {};
}
