import { describe, expect, it } from 'vitest';
import { dryRunCreate, dryRunUpdate } from '../dry-run.js';
import { formatFieldError } from '../field-errors.js';
import type { KubeObject } from '../types.js';
import './index.js';

function messages(obj: object): string[] {
  return dryRunCreate(obj as KubeObject).errors.map(formatFieldError);
}

const pool = (spec: object) => ({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'IPPool',
  metadata: { name: 'default-ipv4-ippool' },
  spec,
});

describe('Namespace, ConfigMap, Secret, Node validation', () => {
  it.each([
    {
      name: 'a namespace name with dots',
      obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } },
      want: ['metadata.name: Invalid value: "team.a": must not contain dots'],
    },
    {
      name: 'a namespace on a cluster-scoped kind',
      obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'default' } },
      want: ['metadata.namespace: Forbidden: not allowed on this type'],
    },
    {
      name: 'a ConfigMap key with a slash',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: 'default' },
        data: { 'a/b': 'x' },
      },
      want: [
        "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    },
    {
      name: 'a Secret that is not base64',
      obj: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'default' },
        data: { password: 'k8spass#' },
      },
      want: [
        'data[password]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 7',
      ],
    },
    {
      name: 'a TLS secret without a key',
      obj: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'default' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'YQ==' },
      },
      want: ['data[tls.key]: Required value'],
    },
    {
      name: 'a node taint with a bad effect',
      obj: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'worker-1' },
        spec: { taints: [{ key: 'k', effect: 'NoRun' }] },
      },
      want: [
        'metadata.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      ],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });

  it('keeps an immutable ConfigMap as it is', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
      immutable: true,
      data: { a: '1' },
    };
    const old = dryRunCreate(cm as KubeObject).object;
    const next = { ...cm, data: { a: '2' } } as KubeObject;
    expect(dryRunUpdate(next, old).errors.map(formatFieldError)).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('defaults node allocatable to capacity, in canonical quantities', () => {
    const { object } = dryRunCreate({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'worker-1' },
      status: { capacity: { cpu: '4', memory: '8192Mi', pods: '110' } },
    } as KubeObject);
    expect(object).toMatchObject({ status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });
  });
});

describe('Calico IPPool validation', () => {
  it.each([
    { name: 'a valid pool', obj: pool({ cidr: '10.244.0.0/16', ipipMode: 'Always' }), want: [] },
    { name: 'no cidr', obj: pool({}), want: ['spec.cidr: Required value: IPPool CIDR must be specified'] },
    {
      name: 'a bad cidr',
      obj: pool({ cidr: '10.244.0.0/33' }),
      want: ['spec.cidr: Invalid value: "10.244.0.0/33": IPPool CIDR must be a valid subnet'],
    },
    {
      name: 'a block size too small',
      obj: pool({ cidr: '10.244.0.0/16', blockSize: 19 }),
      want: ['spec.blockSize: Invalid value: 19: IPv4 block size must be between 20 and 32'],
    },
    {
      name: 'a pool smaller than a block',
      obj: pool({ cidr: '10.244.0.0/28' }),
      want: [
        'spec.cidr: Invalid value: "10.244.0.0/28": IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.',
      ],
    },
    {
      name: 'host bits set',
      obj: pool({ cidr: '10.244.1.0/16' }),
      want: ['spec.cidr: Invalid value: "10.244.1.0/16": IPPool CIDR is not strictly masked'],
    },
    {
      name: 'an unknown encapsulation mode',
      obj: pool({ cidr: '10.244.0.0/16', ipipMode: 'Sometimes' }),
      want: [
        'spec.ipipMode: Unsupported value: "Sometimes": supported values: "Always", "CrossSubnet", "Never"',
      ],
    },
    {
      name: 'IPIP and VXLAN together',
      obj: pool({ cidr: '10.244.0.0/16', ipipMode: 'Always', vxlanMode: 'CrossSubnet' }),
      want: [
        'spec.vxlanMode: Invalid value: "CrossSubnet": Cannot enable both VXLAN and IPIP on the same IPPool',
      ],
    },
    {
      name: 'a node selector that does not parse',
      obj: pool({ cidr: '10.244.0.0/16', nodeSelector: 'zone = a' }),
      want: [
        'spec.nodeSelector: Invalid value: "zone = a": invalid selector: unexpected input at position 5: "= a"',
      ],
    },
    {
      name: 'the link-local range',
      obj: pool({ cidr: '169.254.0.0/16' }),
      want: [
        'spec.cidr: Invalid value: "169.254.0.0/16": IPPool CIDR overlaps with IPv4 Link Local range 169.254.0.0/16',
      ],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });

  it('refuses to change a pool CIDR or block size', () => {
    const old = dryRunCreate(pool({ cidr: '10.244.0.0/16' }) as KubeObject).object;
    const next = pool({ cidr: '10.245.0.0/16', blockSize: 24 }) as KubeObject;
    expect(dryRunUpdate(next, old).errors.map(formatFieldError)).toEqual([
      'spec.cidr: Invalid value: "10.245.0.0/16": IPPool CIDR cannot be modified',
      'spec.blockSize: Invalid value: 24: IPPool BlockSize cannot be modified',
    ]);
  });
});
