import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { decodeKubernetesProtobuf } from './decode.js';

/**
 * Bodies kubectl v1.32 sent for these commands (captured from its requests),
 * and what the same command prints with `--dry-run=client -o json`, without
 * `creationTimestamp: null` and `status` (the API server sets both).
 */
const KUBECTL: { command: string; body: string; want: object }[] = [
  {
    command: 'kubectl create deployment web2 --image=nginx:1.25 --replicas=2 --port=80',
    body:
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsEBCiEKBHdlYjISABoAIgAqADIAOABCAFoLCgNhcHASBHdlYjISjQEIAhIN' +
      'CgsKA2FwcBIEd2ViMhpyCh0KABIAGgAiACoAMgA4AEIAWgsKA2FwcBIEd2ViMhJREjMKBW5naW54EgpuZ2lueDoxLjI1KgAy' +
      'CgoAEAAYUCIAKgBCAGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAIgIKACgAOAAaDAgAEAAY' +
      'ACAAKAA4ABoAIgA=',
    want: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web2', labels: { app: 'web2' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web2' } },
        template: {
          metadata: { labels: { app: 'web2' } },
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
        strategy: {},
      },
    },
  },

  {
    command: 'kubectl create deployment web3 --image=busybox -- sleep 3600',
    body:
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsEBCiEKBHdlYjMSABoAIgAqADIAOABCAFoLCgNhcHASBHdlYjMSjQEIARIN' +
      'CgsKA2FwcBIEd2ViMxpyCh0KABIAGgAiACoAMgA4AEIAWgsKA2FwcBIEd2ViMxJREjMKB2J1c3lib3gSB2J1c3lib3gaBXNs' +
      'ZWVwGgQzNjAwKgBCAGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAIgIKACgAOAAaDAgAEAAY' +
      'ACAAKAA4ABoAIgA=',
    want: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web3', labels: { app: 'web3' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web3' } },
        template: {
          metadata: { labels: { app: 'web3' } },
          spec: {
            containers: [{ name: 'busybox', image: 'busybox', command: ['sleep', '3600'], resources: {} }],
          },
        },
        strategy: {},
      },
    },
  },

  {
    command: 'kubectl create namespace team-a',
    body: 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEh4KFgoGdGVhbS1hEgAaACIAKgAyADgAQgASABoCCgAaACIA',
    want: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'team-a' }, spec: {} },
  },

  {
    command: 'kubectl create configmap cm1 --from-literal=a=b --from-literal=c=d',
    body: 'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEiUKEwoDY20xEgAaACIAKgAyADgAQgASBgoBYRIBYhIGCgFjEgFkGgAiAA==',
    want: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm1' }, data: { a: 'b', c: 'd' } },
  },

  {
    command: 'kubectl create secret generic s1 --from-literal=pw=x',
    body: 'azhzAAoMCgJ2MRIGU2VjcmV0Eh8KEgoCczESABoAIgAqADIAOABCABIHCgJwdxIBeBoAGgAiAA==',
    want: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's1' }, data: { pw: 'eA==' } },
  },

  {
    command: 'kubectl create service nodeport np1 --tcp=80:8080 --node-port=30999',
    body:
      'azhzAAoNCgJ2MRIHU2VydmljZRJqCh8KA25wMRIAGgAiACoAMgA4AEIAWgoKA2FwcBIDbnAxEkMKHQoHODAtODA4MBIDVENQ' +
      'GFAiBwgAEJA/GgAol/IBEgoKA2FwcBIDbnAxGgAiCE5vZGVQb3J0OgBCAFIAWgBgAGgAGgIKABoAIgA=',
    want: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'np1', labels: { app: 'np1' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30999 }],
        selector: { app: 'np1' },
        type: 'NodePort',
      },
    },
  },

  {
    command: 'kubectl create service clusterip h1 --clusterip=None',
    body:
      'azhzAAoNCgJ2MRIHU2VydmljZRJNCh0KAmgxEgAaACIAKgAyADgAQgBaCQoDYXBwEgJoMRIoEgkKA2FwcBICaDEaBE5vbmUi' +
      'CUNsdXN0ZXJJUDoAQgBSAFoAYABoABoCCgAaACIA',
    want: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'h1', labels: { app: 'h1' } },
      spec: { selector: { app: 'h1' }, clusterIP: 'None', type: 'ClusterIP' },
    },
  },

  {
    command: 'kubectl create service externalname en1 --external-name=example.com',
    body:
      'azhzAAoNCgJ2MRIHU2VydmljZRJaCh8KA2VuMRIAGgAiACoAMgA4AEIAWgoKA2FwcBIDZW4xEjMSCgoDYXBwEgNlbjEaACIM' +
      'RXh0ZXJuYWxOYW1lOgBCAFILZXhhbXBsZS5jb21aAGAAaAAaAgoAGgAiAA==',
    want: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'en1', labels: { app: 'en1' } },
      spec: { selector: { app: 'en1' }, type: 'ExternalName', externalName: 'example.com' },
    },
  },

  {
    command:
      "kubectl create ingress ing1 --class=nginx --rule=foo.com/bar=svc1:8080 --rule='foo.com/*=svc2:http,tls=my-cert'",
    body:
      'azhzAAofChRuZXR3b3JraW5nLms4cy5pby92MRIHSW5ncmVzcxKHAQoUCgRpbmcxEgAaACIAKgAyADgAQgASaxISCgdmb28u' +
      'Y29tEgdteS1jZXJ0Gk4KB2Zvby5jb20SQwpBCh4KBC9iYXISDyINCgRzdmMxEgUKABCQPxoFRXhhY3QKHwoBLxISIhAKBHN2' +
      'YzISCAoEaHR0cBAAGgZQcmVmaXgiBW5naW54GgIKABoAIgA=',
    want: {
      kind: 'Ingress',
      apiVersion: 'networking.k8s.io/v1',
      metadata: { name: 'ing1' },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['foo.com'], secretName: 'my-cert' }],
        rules: [
          {
            host: 'foo.com',
            http: {
              paths: [
                {
                  path: '/bar',
                  pathType: 'Exact',
                  backend: { service: { name: 'svc1', port: { number: 8080 } } },
                },
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'svc2', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    },
  },
];

/** A small protobuf writer for bodies kubectl does not send. */
function varint(value: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}
const num = (field: number, value: bigint | number) => [...varint(field << 3), ...varint(value)];
const msg = (field: number, ...parts: number[][]) => {
  const body = parts.flat();
  return [...varint((field << 3) | 2), ...varint(body.length), ...body];
};
const str = (field: number, s: string) => msg(field, [...Buffer.from(s, 'utf8')]);

function body(apiVersion: string, kind: string, ...object: number[][]): Buffer {
  return Buffer.from([
    ...Buffer.from('k8s\0', 'latin1'),
    ...msg(1, str(1, apiVersion), str(2, kind)),
    ...msg(2, ...object),
  ]);
}

function decodeError(buf: Buffer): StatusError {
  try {
    decodeKubernetesProtobuf(buf);
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('decoded without an error');
}

describe('decodeKubernetesProtobuf', () => {
  it.each(KUBECTL)('$command: the JSON kubectl prints for it', ({ body, want }) => {
    expect(decodeKubernetesProtobuf(Buffer.from(body, 'base64'))).toEqual(want);
  });

  it('keeps a pointer set to zero and drops a non-pointer zero, as Go JSON does', () => {
    const spec = msg(2, num(1, 0), num(5, 0), num(6, -1), num(7, 0));
    const d = decodeKubernetesProtobuf(body('apps/v1', 'Deployment', msg(1, str(1, 'web')), spec));
    expect(d.spec).toEqual({
      replicas: 0,
      revisionHistoryLimit: -1,
      template: { metadata: {}, spec: {} },
      strategy: {},
    });
  });

  it('decodes Quantity, IntOrString and Time as their JSON forms', () => {
    const container = msg(
      2,
      str(1, 'c'),
      str(2, 'nginx'),
      msg(8, msg(1, str(1, 'cpu'), msg(2, str(1, '500m')))),
    );
    const strategy = msg(
      4,
      str(1, 'RollingUpdate'),
      msg(2, msg(1, num(1, 1), str(3, '25%')), msg(2, num(2, 3))),
    );
    const meta = msg(1, str(1, 'web'), msg(8, num(1, 1_795_000_000)));
    const d = decodeKubernetesProtobuf(
      body('apps/v1', 'Deployment', meta, msg(2, msg(3, msg(2, container)), strategy)),
    );
    expect(d.metadata).toEqual({ name: 'web', creationTimestamp: '2026-11-18T11:06:40Z' });
    const spec = d.spec as { template: { spec: { containers: unknown[] } }; strategy: unknown };
    expect(spec.template.spec.containers).toEqual([
      { name: 'c', image: 'nginx', resources: { limits: { cpu: '500m' } } },
    ]);
    expect(spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: 3 },
    });
  });

  it('merges a message given twice and reads repeated fields in order', () => {
    const d = decodeKubernetesProtobuf(
      body(
        'v1',
        'ConfigMap',
        msg(1, str(1, 'cm')),
        msg(1, msg(11, str(1, 'a'), str(2, 'b'))),
        msg(2, str(1, 'k'), str(2, 'v')),
      ),
    );
    expect(d).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', labels: { a: 'b' } },
      data: { k: 'v' },
    });
  });

  it('drops status, and fields it does not know only when they hold their zero value', () => {
    const d = decodeKubernetesProtobuf(
      body('v1', 'Service', msg(1, str(1, 's'), str(99, '')), msg(3, msg(1, msg(1, str(1, '1.2.3.4'))))),
    );
    expect(d).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} });
  });

  it('refuses a field it does not decode by name and place (415), never dropping it', () => {
    const podSpec = msg(2, msg(2, str(1, 'c')), msg(14, num(1, 1000)));
    const err = decodeError(body('apps/v1', 'Deployment', msg(1, str(1, 'web')), msg(2, msg(3, podSpec))));
    expect(err.httpCode).toBe(415);
    expect(err.message).toBe(
      'netkube does not decode field 14 of core/v1 PodSpec (in spec.template.spec) from protobuf',
    );
  });

  it("refuses kinds other than the create generators' objects (415)", () => {
    const err = decodeError(body('batch/v1', 'Job', msg(1, str(1, 'j'))));
    expect(err.httpCode).toBe(415);
    expect(err.message).toContain('not batch/v1 Job');
  });

  it('answers 400 for a body that is not Kubernetes protobuf or is cut short', () => {
    const noMagic = decodeError(Buffer.from('{"kind":"Pod"}'));
    expect(noMagic.httpCode).toBe(400);
    expect(noMagic.message).toBe(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
    const whole = body('v1', 'ConfigMap', msg(1, str(1, 'cm')));
    const cut = decodeError(whole.subarray(0, whole.length - 2));
    expect(cut.httpCode).toBe(400);
    expect(cut.message).toMatch(/^error decoding the protobuf body: .*unexpected EOF/);
    const wrongType = decodeError(body('v1', 'ConfigMap', msg(1, num(1, 7))));
    expect(wrongType.httpCode).toBe(400);
    expect(wrongType.message).toBe(
      'error decoding the protobuf body: metadata.name (field 1) has wire type 0, want 2',
    );
  });
});
