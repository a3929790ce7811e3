import { describe, expect, it } from 'vitest';
import { formatFieldError } from './field-errors.js';
import { RESOURCES } from './resources.js';
import {
  checkFieldTypes,
  findUnknownFields,
  hasSchema,
  normalizeNulls,
  unknownFieldMessage,
} from './unknown-fields.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replica: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx', imagePullPolicyy: 'Always', ports: [{ containerPort: 80 }] },
        ],
      },
    },
  },
};

describe('strict decoding', () => {
  it('knows every kind netkube serves', () => {
    expect(RESOURCES.filter((r) => !hasSchema(r.kind)).map((r) => r.kind)).toEqual([]);
  });

  it('finds unknown fields with the strict decoder’s paths', () => {
    expect(findUnknownFields(deployment)).toEqual([
      'spec.replica',
      'spec.template.spec.containers[0].imagePullPolicyy',
    ]);
  });

  it('renders them as the API server does', () => {
    expect(unknownFieldMessage(['spec.replica'])).toBe('strict decoding error: unknown field "spec.replica"');
    expect(unknownFieldMessage(['a', 'b'])).toBe(
      'strict decoding error: unknown field "a", unknown field "b"',
    );
  });

  it.each([
    {
      name: 'a Service',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { ports: [{ port: 80, tagetPort: 8080 }] },
      },
      want: ['spec.ports[0].tagetPort'],
    },
    {
      name: 'a Secret',
      obj: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        stringData: { a: 'b' },
        typ: 'Opaque',
      },
      want: ['typ'],
    },
    {
      name: 'an IPPool',
      obj: {
        apiVersion: 'crd.projectcalico.org/v1',
        kind: 'IPPool',
        metadata: { name: 'p' },
        spec: { cidr: '10.0.0.0/8', blocksize: 26 },
      },
      want: ['spec.blocksize'],
    },
    { name: 'an unknown kind', obj: { apiVersion: 'v1', kind: 'Widget', spec: { anything: 1 } }, want: [] },
    {
      name: 'labels (free-form keys)',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', labels: { anything: 'x' } },
        data: { k: 'v' },
      },
      want: [],
    },
  ])('checks $name', ({ obj, want }) => {
    expect(findUnknownFields(obj)).toEqual(want);
  });

  it.each([
    {
      name: 'a numeric label value',
      obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { version: 1 } } },
      want: ['metadata.labels[version]: Invalid value: 1: must be of type string'],
    },
    {
      name: 'an unquoted env value',
      obj: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', env: [{ name: 'PORT', value: 8080 }] }] },
      },
      want: ['spec.containers[0].env[0].value: Invalid value: 8080: must be of type string'],
    },
    {
      name: 'a quoted port number',
      obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: '80' }] } },
      want: ['spec.ports[0].port: Invalid value: "80": must be of type number'],
    },
    {
      name: 'quantities and int-or-strings in either form',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { ports: [{ port: 80, targetPort: 'http' }] },
      },
      want: [],
    },
    {
      name: 'a map where a list belongs',
      obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: { name: 'c' } } },
      want: ['spec.containers: Invalid value: map[string]string{"name":"c"}: must be of type array'],
    },
  ])('type-checks $name', ({ obj, want }) => {
    expect(checkFieldTypes(obj).map(formatFieldError)).toEqual(want);
  });

  it('decodes nulls as Go does', () => {
    const obj = normalizeNulls({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { tier: null } },
      spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [null] } } },
    });
    expect(obj).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { tier: '' } },
      spec: { template: { metadata: {}, spec: { containers: [{}] } } },
    });
  });
});
