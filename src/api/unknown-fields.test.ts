import { describe, expect, it } from 'vitest';
import { formatFieldError } from './field-errors.js';
import { API_SCHEMA } from './generated/api-schema.js';
import { GO_FIELD_TYPES } from './generated/go-types.js';
import { RESOURCES } from './resources.js';
import {
  checkFieldTypes,
  encodeObject,
  findUnknownFields,
  goDecodeError,
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

  it.each([
    {
      name: 'a Deployment template',
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' },
        spec: { template: { metadata: { labels: { app: 'web' } }, spec: {} } },
      },
      want: {
        spec: { template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: {} } },
      },
    },
    {
      name: 'a ReplicaSet template with no metadata at all',
      obj: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { template: {} } },
      want: { spec: { template: { metadata: { creationTimestamp: null } } } },
    },
    {
      name: "an ephemeral volume's claim template",
      obj: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { volumes: [{ name: 'a' }, { name: 'b', ephemeral: { volumeClaimTemplate: { spec: {} } } }] },
      },
      want: {
        spec: {
          volumes: [
            { name: 'a' },
            {
              name: 'b',
              ephemeral: { volumeClaimTemplate: { metadata: { creationTimestamp: null }, spec: {} } },
            },
          ],
        },
      },
    },
  ])('encodes nested ObjectMeta with creationTimestamp: null as Go does: $name', ({ obj, want }) => {
    const out = encodeObject(obj);
    expect(out).toMatchObject(want);
    // The object's own metadata is untouched, and the input is not modified.
    expect(out.metadata).toBe(obj.metadata);
    expect(JSON.stringify(obj)).not.toContain('"creationTimestamp":null');
  });

  it('encodeObject keeps Go key order and returns objects without templates as they are', () => {
    const rs = encodeObject({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs' },
      spec: { template: { metadata: { name: 'x', labels: { a: 'b' } } } },
    });
    expect(Object.keys(rs.spec.template.metadata)).toEqual(['name', 'creationTimestamp', 'labels']);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} };
    expect(encodeObject(svc)).toBe(svc);
    const kept = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {},
      spec: { template: { metadata: { creationTimestamp: null } } },
    };
    expect(encodeObject(kept)).toBe(kept);
  });

  const web = (spec: object) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec,
  });
  const withEnv = (env: unknown) =>
    web({ template: { spec: { containers: [{ name: 'c', image: 'nginx', env }] } } });
  const GO = 'json: cannot unmarshal';

  it.each([
    {
      name: 'an unquoted env value',
      obj: withEnv([{ name: 'PORT', value: 8080 }]),
      want: `${GO} number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string`,
    },
    {
      name: 'replicas as a string',
      obj: web({ replicas: 'abc' }),
      want: `${GO} string into Go struct field DeploymentSpec.spec.replicas of type int32`,
    },
    {
      name: 'a fractional replica count',
      obj: web({ replicas: 1.5 }),
      want: `${GO} number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32`,
    },
    {
      name: 'an int64 field',
      obj: web({ template: { spec: { terminationGracePeriodSeconds: true } } }),
      want: `${GO} bool into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds of type int64`,
    },
    {
      name: 'a label value (map values keep the struct that owns the map)',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { version: 1.0 } } },
      want: `${GO} number into Go struct field ObjectMeta.metadata.labels of type string`,
    },
    {
      name: 'a named string type',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { ports: [{ port: 80, protocol: 6 }] },
      },
      want: `${GO} number into Go struct field ServicePort.spec.ports.protocol of type v1.Protocol`,
    },
    {
      name: 'a string where a list of structs belongs',
      obj: web({ template: { spec: { containers: 'nginx' } } }),
      want: `${GO} string into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container`,
    },
    {
      name: 'a list item that is not a struct',
      obj: web({ template: { spec: { containers: ['nginx'] } } }),
      want: `${GO} string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container`,
    },
    {
      name: 'a targetPort that is a bool (IntOrString reads an int32)',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { ports: [{ port: 80, targetPort: true }] },
      },
      want: `${GO} bool into Go struct field ServicePort.spec.ports.targetPort of type int32`,
    },
    {
      name: 'no env at all',
      obj: withEnv(undefined),
      want: undefined,
    },
    {
      name: 'Secret data that is not base64',
      obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'hunter2!' } },
      want: 'illegal base64 data at input byte 7',
    },
    {
      name: 'a resource limit that is a list',
      obj: web({
        template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: ['1'] } } }] } },
      }),
      want: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    },
    {
      name: 'the first mismatch in document order wins',
      obj: web({ replicas: 'two', paused: 'yes' }),
      want: `${GO} string into Go struct field DeploymentSpec.spec.replicas of type int32`,
    },
    { name: 'a valid object', obj: withEnv([{ name: 'PORT', value: '8080' }]), want: undefined },
  ])('Go decode error: $name', ({ obj, want }) => {
    expect(goDecodeError(obj)).toBe(want);
  });

  it.each([
    [web({ replicas: 'abc' }), 'unrecognized type: int32'],
    [withEnv([{ name: 'PORT', value: 8080 }]), 'cannot convert int64 to string'],
    [withEnv([{ name: 'PORT', value: 1.5 }]), 'cannot convert float64 to string'],
    [web({ replicas: 1.5 }), 'cannot convert float64 to int32'],
    [web({ paused: 'yes' }), 'unrecognized type: bool'],
    [web({ selector: 'app=web' }), 'cannot restore struct from: string'],
    [web({ template: { spec: { containers: {} } } }), 'cannot restore slice from map'],
  ] as const)('unstructured converter error %#', (obj, want) => {
    expect(goDecodeError(obj, 'unstructured')).toBe(want);
  });

  it('every Go type override names a field the schema has', () => {
    const stale = Object.entries(GO_FIELD_TYPES).flatMap(([type, fields]) =>
      Object.keys(fields)
        .filter((f) => API_SCHEMA.types[type]?.[f] === undefined)
        .map((f) => `${type}.${f}`),
    );
    expect(stale).toEqual([]);
  });
});
