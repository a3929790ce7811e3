/**
 * Pod template identity: the canonical form two templates are compared in, and
 * the `pod-template-hash` that names a Deployment's ReplicaSets
 * (`controller.ComputeHash` and `deploymentutil.EqualIgnoreHash` upstream).
 *
 * Why a canonical form: `kubectl rollout undo` sends the old ReplicaSet's
 * template back with `creationTimestamp: null` and `resources: {}` that the
 * original manifest did not have. Upstream compares typed Go structs, where an
 * absent field equals its zero value; netkube compares the API's canonical
 * form (`canonicalPodTemplate`: defaulted, empty values and the hash label
 * dropped, keys sorted).
 */
import { canonicalPodTemplate } from '../../api/index.js';
import type { PodTemplateSpec } from '../../api/types.js';
import { NAME_SUFFIX_ALPHABET } from '../../util/names.js';

/** The label that ties a ReplicaSet and its pods to one template of a Deployment. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * The canonical form of a pod template as JSON text. Two templates are the same
 * rollout target exactly when their canonical forms are equal.
 */
export function canonicalTemplate(template: PodTemplateSpec | undefined): string {
  if (!template) return '{}';
  // Stored objects are immutable, so a template's canonical form never changes.
  let text = canonicalCache.get(template);
  if (text === undefined) {
    text = JSON.stringify(canonicalPodTemplate(template));
    canonicalCache.set(template, text);
  }
  return text;
}

const canonicalCache = new WeakMap<PodTemplateSpec, string>();

/** Whether two templates are equal ignoring the hash label (`EqualIgnoreHash`). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalTemplate(a) === canonicalTemplate(b);
}

/**
 * The pod-template-hash of a template (`controller.ComputeHash`): FNV-32a of the
 * canonical template, then, when the Deployment has a `collisionCount`, of its
 * value as 8 little-endian bytes; the decimal digits of the sum are mapped
 * through the name-suffix alphabet (`rand.SafeEncodeString`).
 */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(0x811c9dc5, new TextEncoder().encode(canonicalTemplate(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(h, bytes);
  }
  return safeEncode(String(h));
}

function fnv32a(seed: number, bytes: Uint8Array): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** `rand.SafeEncodeString`: each byte picks a character of the vowel-free alphabet. */
function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++)
    out += NAME_SUFFIX_ALPHABET[s.charCodeAt(i) % NAME_SUFFIX_ALPHABET.length];
  return out;
}
