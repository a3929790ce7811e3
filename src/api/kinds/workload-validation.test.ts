import { describe, expect, it } from 'vitest';
import { dryRunCreate, dryRunUpdate } from '../dry-run.js';
import { formatFieldError } from '../field-errors.js';
import type { KubeObject } from '../types.js';
import './index.js';

function messages(obj: object): string[] {
  return dryRunCreate(obj as KubeObject).errors.map(formatFieldError);
}

const container = { name: 'nginx', image: 'nginx:1.14.2' };
function pod(spec: object, metadata: object = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec,
  };
}
function deployment(spec: object, name = 'web'): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } },
      ...spec,
    },
  };
}

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('Pod validation', () => {
  it.each([
    { name: 'a valid pod', obj: pod({ containers: [container] }), want: [] },
    {
      name: 'an upper-case name',
      obj: pod({ containers: [container] }, { name: 'Web' }),
      want: [`metadata.name: Invalid value: "Web": ${SUBDOMAIN}`],
    },
    { name: 'no containers', obj: pod({}), want: ['spec.containers: Required value'] },
    {
      name: 'duplicate container names',
      obj: pod({ containers: [container, container] }),
      want: ['spec.containers[1].name: Duplicate value: "nginx"'],
    },
    {
      name: 'an invalid container name',
      obj: pod({ containers: [{ ...container, name: 'Nginx_1' }] }),
      want: [`spec.containers[0].name: Invalid value: "Nginx_1": ${LABEL}`],
    },
    {
      name: 'no image',
      obj: pod({ containers: [{ name: 'c' }] }),
      want: ['spec.containers[0].image: Required value'],
    },
    {
      name: 'a container port out of range',
      obj: pod({ containers: [{ ...container, ports: [{ containerPort: 70000 }] }] }),
      want: [
        'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    },
    {
      name: 'a missing container port',
      obj: pod({ containers: [{ ...container, ports: [{ name: 'http' }] }] }),
      want: ['spec.containers[0].ports[0].containerPort: Required value'],
    },
    {
      name: 'a bad protocol',
      obj: pod({ containers: [{ ...container, ports: [{ containerPort: 80, protocol: 'HTTP' }] }] }),
      want: [
        'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
    {
      name: 'a port name that is not an IANA_SVC_NAME',
      obj: pod({ containers: [{ ...container, ports: [{ containerPort: 80, name: 'HTTP_web' }] }] }),
      want: [
        'spec.containers[0].ports[0].name: Invalid value: "HTTP_web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    },
    {
      name: 'duplicate port names',
      obj: pod({
        containers: [
          {
            ...container,
            ports: [
              { containerPort: 80, name: 'web' },
              { containerPort: 81, name: 'web' },
            ],
          },
        ],
      }),
      want: ['spec.containers[0].ports[1].name: Duplicate value: "web"'],
    },
    {
      name: 'a probe without a handler',
      obj: pod({ containers: [{ ...container, livenessProbe: { periodSeconds: 5 } }] }),
      want: ['spec.containers[0].livenessProbe: Required value: must specify a handler type'],
    },
    {
      name: 'a liveness probe with successThreshold 2',
      obj: pod({
        containers: [{ ...container, livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }],
      }),
      want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
    },
    {
      name: 'a probe with two handlers',
      obj: pod({
        containers: [{ ...container, readinessProbe: { tcpSocket: { port: 80 }, httpGet: { port: 80 } } }],
      }),
      want: [
        'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
      ],
    },
    {
      name: 'a negative probe period',
      obj: pod({
        containers: [
          { ...container, readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: -1 } },
        ],
      }),
      want: [
        'spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0',
      ],
    },
    {
      name: 'a probe port name with digits only',
      obj: pod({ containers: [{ ...container, readinessProbe: { httpGet: { port: '8080' } } }] }),
      want: [
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "8080": must contain at least one letter (a-z)',
      ],
    },
    {
      name: 'requests above limits',
      obj: pod({
        containers: [{ ...container, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }],
      }),
      want: [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ],
    },
    {
      name: 'a malformed quantity',
      obj: pod({ containers: [{ ...container, resources: { limits: { memory: '1 GB' } } }] }),
      want: [
        'spec.containers[0].resources.limits[memory]: Invalid value: "1 GB": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
      ],
    },
    {
      name: 'an unknown resource name',
      obj: pod({ containers: [{ ...container, resources: { limits: { cpus: '1' } } }] }),
      want: [
        'spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified',
        'spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource for containers',
        'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified',
        'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a standard resource for containers',
      ],
    },
    {
      name: 'a restart policy that does not exist',
      obj: pod({ containers: [container], restartPolicy: 'Sometimes' }),
      want: [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ],
    },
    {
      name: 'a volume mount of no volume',
      obj: pod({ containers: [{ ...container, volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }),
      want: ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    },
    {
      name: 'an invalid label',
      obj: pod({ containers: [container] }, { labels: { 'app!': 'web' } }),
      want: [
        "metadata.labels: Invalid value: \"app!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    },
    {
      name: 'a toleration with seconds but no NoExecute effect',
      obj: pod({
        containers: [container],
        tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }],
      }),
      want: [
        'spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
      ],
    },
    {
      name: 'an anti-affinity term without topologyKey',
      obj: pod({
        containers: [container],
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: { app: 'x' } } },
            ],
          },
        },
      }),
      want: [
        'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
        'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty',
        "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    },
    {
      name: 'a deletion cost that is not an integer',
      obj: pod(
        { containers: [container] },
        { annotations: { 'controller.kubernetes.io/pod-deletion-cost': 'high' } },
      ),
      want: [
        'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "high": must be a 32bit integer',
      ],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });

  it.each([
    { name: 'a new image', change: { containers: [{ ...container, image: 'nginx:1.16.1' }] }, want: [] },
    {
      name: 'a new restart policy',
      change: { restartPolicy: 'Never' },
      want: [
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n  spec.restartPolicy: "Always" -> "Never"',
      ],
    },
    {
      name: 'an added container',
      change: { containers: [container, { name: 'b', image: 'b' }] },
      want: ['spec.containers: Forbidden: pod updates may not add or remove containers'],
    },
    {
      name: 'a removed toleration',
      change: { tolerations: [] },
      want: [
        'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
      ],
    },
  ])('updating a pod with $name', ({ change, want }) => {
    const old = dryRunCreate(pod({ containers: [container] }) as KubeObject).object as unknown as {
      spec: object;
    };
    const next = { ...old, spec: { ...old.spec, ...change } } as unknown as KubeObject;
    expect(dryRunUpdate(next, old as unknown as KubeObject).errors.map(formatFieldError)).toEqual(want);
  });
});

describe('Deployment and ReplicaSet validation', () => {
  it.each([
    { name: 'a valid deployment', obj: deployment({}), want: [] },
    {
      name: 'negative replicas',
      obj: deployment({ replicas: -1 }),
      want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'a selector that does not match the template',
      obj: deployment({ selector: { matchLabels: { app: 'api' } } }),
      want: [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ],
    },
    {
      name: 'no selector',
      obj: deployment({ selector: undefined }),
      want: ['spec.selector: Required value'],
    },
    {
      name: 'an empty selector',
      obj: deployment({ selector: {} }),
      want: [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      ],
    },
    {
      name: 'maxSurge and maxUnavailable both 0',
      obj: deployment({
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
      }),
      want: [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
      ],
    },
    {
      name: 'a percentage without %',
      obj: deployment({
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25', maxUnavailable: 1 } },
      }),
      want: [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"25\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ],
    },
    {
      name: 'rollingUpdate with Recreate',
      obj: deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }),
      want: [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
      ],
    },
    {
      name: 'a template restart policy other than Always',
      obj: deployment({
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { restartPolicy: 'Never', containers: [container] },
        },
      }),
      want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    },
    {
      name: 'a progress deadline not above minReadySeconds',
      obj: deployment({ minReadySeconds: 600 }),
      want: ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });

  it('keeps the selector immutable', () => {
    const old = dryRunCreate(deployment({}) as KubeObject).object;
    const next = deployment({
      selector: { matchLabels: { app: 'web2' } },
      template: { metadata: { labels: { app: 'web2' } }, spec: { containers: [container] } },
    }) as KubeObject;
    expect(dryRunUpdate(next, old).errors.map(formatFieldError)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('keeps names and namespaces immutable', () => {
    const old = dryRunCreate(deployment({}) as KubeObject).object;
    const renamed = { ...deployment({}), metadata: { name: 'web2', namespace: 'other' } } as KubeObject;
    expect(dryRunUpdate(renamed, old).errors.map(formatFieldError)).toEqual([
      'metadata.name: Invalid value: "web2": field is immutable',
      'metadata.namespace: Invalid value: "other": field is immutable',
    ]);
  });

  it('validates a ReplicaSet like a Deployment', () => {
    const rs = { ...deployment({ replicas: -2 }), kind: 'ReplicaSet' };
    expect(messages(rs)).toEqual(['spec.replicas: Invalid value: -2: must be greater than or equal to 0']);
  });
});
