import { describe, expect, it } from 'vitest';
import { dryRunCreate, dryRunUpdate } from '../dry-run.js';
import { formatFieldError } from '../field-errors.js';
import type { KubeObject } from '../types.js';
import './index.js';

function messages(obj: object): string[] {
  return dryRunCreate(obj as KubeObject).errors.map(formatFieldError);
}

function service(spec: object, name = 'web'): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

describe('Service validation', () => {
  it.each([
    { name: 'a valid service', obj: service({ selector: { app: 'web' }, ports: [{ port: 80 }] }), want: [] },
    {
      name: 'a name that is not a DNS-1035 label',
      obj: service({ ports: [{ port: 80 }] }, '1web'),
      want: [
        "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    },
    { name: 'no ports', obj: service({ selector: { app: 'web' } }), want: ['spec.ports: Required value'] },
    {
      name: 'trafficDistribution PreferClose',
      obj: service({ ports: [{ port: 80 }], trafficDistribution: 'PreferClose' }),
      want: [],
    },
    {
      name: 'a trafficDistribution v1.32 does not know',
      obj: service({ ports: [{ port: 80 }], trafficDistribution: 'PreferSameNode' }),
      want: [
        'spec.trafficDistribution: Unsupported value: "PreferSameNode": supported values: "PreferClose"',
      ],
    },
    { name: 'a headless service without ports', obj: service({ clusterIP: 'None' }), want: [] },
    {
      name: 'an ExternalName service without a name',
      obj: service({ type: 'ExternalName' }),
      want: ['spec.externalName: Required value'],
    },
    {
      name: 'two ports without names',
      obj: service({ ports: [{ port: 80 }, { port: 443 }] }),
      want: ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
    },
    {
      name: 'the same port and protocol twice',
      obj: service({
        ports: [
          { port: 80, name: 'a' },
          { port: 80, name: 'b' },
        ],
      }),
      want: [
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    },
    {
      name: 'a nodePort on a ClusterIP service',
      obj: service({ ports: [{ port: 80, nodePort: 30080 }] }),
      want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    },
    {
      name: 'a port out of range',
      obj: service({ ports: [{ port: 0, targetPort: 80 }] }),
      want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    },
    {
      name: 'an external IP that is not an IP (as the study notes typed it)',
      obj: service({ ports: [{ port: 8001 }], externalIPs: ['192.168.56.103 (pod ip)'] }),
      want: [
        'spec.externalIPs[0]: Invalid value: "192.168.56.103 (pod ip)": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    },
    {
      name: 'a loopback external IP',
      obj: service({ ports: [{ port: 80 }], externalIPs: ['127.0.0.1'] }),
      want: [
        'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
    },
    {
      name: 'an unknown type',
      obj: service({ type: 'Ingress', ports: [{ port: 80 }] }),
      want: [
        'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    },
    {
      name: 'externalTrafficPolicy on a plain ClusterIP service',
      obj: service({ ports: [{ port: 80 }], externalTrafficPolicy: 'Local' }),
      want: [
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
      ],
    },
    {
      name: 'a headless NodePort service',
      obj: service({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }),
      want: ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services'],
    },
    {
      name: 'a cluster IP that is not an IP',
      obj: service({ clusterIP: '10.96.0.300', ports: [{ port: 80 }] }),
      want: [
        'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    },
    {
      name: 'a ClientIP timeout too long',
      obj: service({
        ports: [{ port: 80 }],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } },
      }),
      want: [
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400',
      ],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });

  const stored = () =>
    dryRunCreate(
      service({
        type: 'NodePort',
        clusterIP: '10.96.0.5',
        ports: [{ port: 80, nodePort: 30080 }],
      }) as KubeObject,
    ).object;

  it('keeps the allocated clusterIP and nodePort when a re-apply leaves them out', () => {
    const { object, errors } = dryRunUpdate(
      service({ type: 'NodePort', ports: [{ port: 80 }] }) as KubeObject,
      stored(),
    );
    expect(errors).toEqual([]);
    expect(object).toMatchObject({
      spec: { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ports: [{ port: 80, nodePort: 30080 }] },
    });
  });

  it('refuses a changed clusterIP', () => {
    const next = service({ type: 'NodePort', clusterIP: '10.96.0.99', ports: [{ port: 80 }] }) as KubeObject;
    expect(dryRunUpdate(next, stored()).errors.map(formatFieldError)).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set',
    ]);
  });

  it('drops the node ports of a service turned ClusterIP', () => {
    const old = stored() as unknown as { spec: object };
    const next = { ...old, spec: { ...old.spec, type: 'ClusterIP' } } as unknown as KubeObject;
    const { object, errors } = dryRunUpdate(next, old as unknown as KubeObject);
    expect(errors).toEqual([]);
    expect(
      (object as unknown as { spec: { ports: unknown[]; externalTrafficPolicy?: string } }).spec,
    ).toMatchObject({
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect(
      (object as unknown as { spec: { externalTrafficPolicy?: string } }).spec.externalTrafficPolicy,
    ).toBeUndefined();
  });
});

describe('Endpoints and EndpointSlice validation', () => {
  it.each([
    {
      name: 'an Endpoints subset without addresses',
      obj: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'web', namespace: 'default' },
        subsets: [{ ports: [{ port: 80 }] }],
      },
      want: ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'],
    },
    {
      name: 'an EndpointSlice without an address type',
      obj: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-abc', namespace: 'default' },
        endpoints: [],
      },
      want: ['addressType: Required value'],
    },
    {
      name: 'an EndpointSlice endpoint with a bad IPv4 address',
      obj: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-abc', namespace: 'default' },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.244.0.300'] }, { addresses: [] }],
      },
      want: [
        'endpoints[0].addresses[0]: Invalid value: "10.244.0.300": must be a valid IPv4 address',
        'endpoints[0].addresses[0]: Invalid value: "10.244.0.300": must be a valid IP address',
        'endpoints[1].addresses: Required value: must contain at least 1 address',
      ],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });
});
