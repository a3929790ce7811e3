import { describe, expect, it } from 'vitest';
import { expandLeadingTabs, fieldOffset, fieldPathSteps, parseYaml } from './yaml-documents.js';

describe('field positions', () => {
  it.each([
    {
      path: 'spec.template.spec.containers[0].ports[1]',
      want: ['spec', 'template', 'spec', 'containers', 0, 'ports', 1],
    },
    {
      path: 'metadata.labels[app.kubernetes.io/name]',
      want: ['metadata', 'labels', 'app.kubernetes.io/name'],
    },
    { path: 'data[tls.crt]', want: ['data', 'tls.crt'] },
  ])('splits $path', ({ path, want }) => {
    expect(fieldPathSteps(path)).toEqual(want);
  });

  const text =
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app.kubernetes.io/name: web\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n';
  const parsed = parseYaml(text, 'pod.yaml');
  const root = parsed.documents[0]?.contents;

  it.each([
    { path: 'kind', line: 2 },
    { path: 'metadata.labels[app.kubernetes.io/name]', line: 6 },
    { path: 'spec.containers[1]', line: 11 },
    { path: 'spec.containers[0].image', line: 10 },
    { path: 'spec.containers[1].image', line: 11 },
    { path: 'spec.dnsPolicy', line: 7 },
  ])('places $path on line $line (or its nearest written ancestor)', ({ path, line }) => {
    if (!root) throw new Error('no document');
    expect(parsed.line(fieldOffset(root, path))).toBe(line);
  });

  it('expands leading tabs only, keeping lines', () => {
    expect(expandLeadingTabs('a:\n\tb:\tc\n\t\t- d\n')).toBe('a:\n  b:\tc\n    - d\n');
  });
});
