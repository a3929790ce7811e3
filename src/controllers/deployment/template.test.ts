import { describe, expect, it } from 'vitest';
import type { PodTemplateSpec } from '../../api/types.js';
import { canonicalTemplate, computeHash, equalIgnoreHash } from './template.js';

const base: PodTemplateSpec = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
};

/** FNV-32a, written out independently of the module under test. */
function fnv(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}

describe('pod template hash', () => {
  it('is FNV-32a of the canonical template, digits mapped through the name alphabet', () => {
    const sum = fnv(new TextEncoder().encode(canonicalTemplate(base)));
    const expected = [...String(sum)]
      .map((d) => 'bcdfghjklmnpqrstvwxz2456789'[d.charCodeAt(0) % 27])
      .join('');
    expect(computeHash(base)).toBe(expected);
    expect(computeHash(base)).toMatch(/^[4-9bcdf]{1,10}$/);
  });

  it('mixes collisionCount in as 8 little-endian bytes', () => {
    const bytes = new Uint8Array(8);
    bytes[0] = 1;
    const sum = fnv(bytes, fnv(new TextEncoder().encode(canonicalTemplate(base))));
    const expected = [...String(sum)]
      .map((d) => 'bcdfghjklmnpqrstvwxz2456789'[d.charCodeAt(0) % 27])
      .join('');
    expect(computeHash(base, 1)).toBe(expected);
    expect(computeHash(base, 1)).not.toBe(computeHash(base));
  });

  it.each<{ name: string; other: unknown; equal: boolean }>([
    {
      name: 'kubectl undo extras: creationTimestamp null and resources {}',
      other: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], resources: {} }],
        },
      },
      equal: true,
    },
    {
      name: 'the pod-template-hash label',
      other: { ...base, metadata: { labels: { app: 'web', 'pod-template-hash': '5d59d67564' } } },
      equal: true,
    },
    { name: 'key order', other: { spec: base.spec, metadata: base.metadata }, equal: true },
    {
      name: 'a different image',
      other: {
        ...base,
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.26', ports: [{ containerPort: 80 }] }] },
      },
      equal: false,
    },
    {
      name: 'a template annotation (rollout restart)',
      other: {
        ...base,
        metadata: { ...base.metadata, annotations: { 'kubectl.kubernetes.io/restartedAt': 'x' } },
      },
      equal: false,
    },
    {
      name: 'an empty string argument is kept',
      other: { ...base, spec: { containers: [{ ...base.spec?.containers[0], args: [''] }] } },
      equal: false,
    },
  ])('equality ignores $name: $equal', ({ other, equal }) => {
    expect(equalIgnoreHash(base, other as PodTemplateSpec)).toBe(equal);
    expect(computeHash(base) === computeHash(other as PodTemplateSpec)).toBe(equal);
  });
});
