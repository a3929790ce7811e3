import { describe, expect, it } from 'vitest';
import type { JsonValue } from './json.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';

const doc = {
  metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '3', a: 'b' } },
  spec: { list: [1, 2, 3], template: { metadata: { labels: { app: 'web' } } } },
};

describe('applyJsonPatch (RFC 6902)', () => {
  it.each<{ name: string; patch: JsonValue; want: unknown }>([
    {
      name: 'kubectl rollout undo: replace template and annotations',
      patch: [
        {
          op: 'replace',
          path: '/spec/template',
          value: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [] } },
        },
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
      ],
      want: {
        metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '1' } },
        spec: {
          list: [1, 2, 3],
          template: {
            metadata: { creationTimestamp: null, labels: { app: 'web' } },
            spec: { containers: [] },
          },
        },
      },
    },
    {
      name: 'add appends with -',
      patch: [{ op: 'add', path: '/spec/list/-', value: 4 }],
      want: { ...doc, spec: { ...doc.spec, list: [1, 2, 3, 4] } },
    },
    {
      name: 'add inserts at an index',
      patch: [{ op: 'add', path: '/spec/list/0', value: 0 }],
      want: { ...doc, spec: { ...doc.spec, list: [0, 1, 2, 3] } },
    },
    {
      name: 'remove, move, copy, test',
      patch: [
        { op: 'test', path: '/metadata/name', value: 'web' },
        { op: 'remove', path: '/spec/list/1' },
        { op: 'copy', from: '/metadata/name', path: '/spec/name' },
        { op: 'move', from: '/metadata/annotations/a', path: '/metadata/annotations/c' },
      ],
      want: {
        metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '3', c: 'b' } },
        spec: { list: [1, 3], template: doc.spec.template, name: 'web' },
      },
    },
    {
      name: '~1 escapes a slash in a key',
      patch: [
        { op: 'replace', path: '/metadata/annotations/deployment.kubernetes.io~1revision', value: '4' },
      ],
      want: {
        ...doc,
        metadata: {
          ...doc.metadata,
          annotations: { ...doc.metadata.annotations, 'deployment.kubernetes.io/revision': '4' },
        },
      },
    },
  ])('$name', ({ patch, want }) => {
    expect(applyJsonPatch(doc, patch)).toEqual(want);
  });

  it.each<{ name: string; patch: JsonValue; code: number }>([
    {
      name: 'replace of a missing key fails',
      patch: [{ op: 'replace', path: '/spec/missing', value: 1 }],
      code: 422,
    },
    { name: 'remove of a missing key fails', patch: [{ op: 'remove', path: '/metadata/labels' }], code: 422 },
    { name: 'a failed test fails', patch: [{ op: 'test', path: '/metadata/name', value: 'db' }], code: 422 },
    { name: 'add under a missing parent fails', patch: [{ op: 'add', path: '/a/b/c', value: 1 }], code: 422 },
    { name: 'a non-array document is malformed', patch: { op: 'add' }, code: 400 },
  ])('$name', ({ patch, code }) => {
    expect(() => applyJsonPatch(doc, patch)).toThrow(expect.objectContaining({ httpCode: code }));
  });

  it('never modifies its input', () => {
    const snapshot = JSON.stringify(doc);
    applyJsonPatch(doc, [{ op: 'remove', path: '/spec/list/0' }]);
    expect(JSON.stringify(doc)).toBe(snapshot);
  });
});

describe('applyMergePatch (RFC 7386)', () => {
  it.each<{ name: string; target: JsonValue; patch: JsonValue; want: JsonValue }>([
    {
      name: 'kubectl scale',
      target: { spec: { replicas: 2, x: 1 } },
      patch: { spec: { replicas: 3 } },
      want: { spec: { replicas: 3, x: 1 } },
    },
    {
      name: 'label add',
      target: { metadata: {} },
      patch: { metadata: { labels: { tier: 'fe' } } },
      want: { metadata: { labels: { tier: 'fe' } } },
    },
    {
      name: 'label remove',
      target: { metadata: { labels: { a: '1', b: '2' } } },
      patch: { metadata: { labels: { a: null } } },
      want: { metadata: { labels: { b: '2' } } },
    },
    { name: 'arrays replace', target: { a: [1, 2] }, patch: { a: [3] }, want: { a: [3] } },
    {
      name: 'RFC 7386 appendix: nested null on absent member',
      target: { a: 'b' },
      patch: { c: { d: null } },
      want: { a: 'b', c: {} },
    },
    { name: 'scalar patch replaces', target: { a: 1 }, patch: 'x', want: 'x' },
  ])('$name', ({ target, patch, want }) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });
});
