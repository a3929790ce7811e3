import { describe, expect, it } from 'vitest';
import { dryRunCreate } from '../dry-run.js';
import { formatFieldError } from '../field-errors.js';
import type { KubeObject } from '../types.js';
import './index.js';

function messages(
  type: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): string[] {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'default', ...(annotations ? { annotations } : {}) },
    type,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
  return dryRunCreate(secret as unknown as KubeObject).errors.map(formatFieldError);
}

const REDACTED = 'Invalid value: "<secret contents redacted>"';

describe('Secret types (ValidateSecret)', () => {
  it.each([
    {
      name: 'an empty .dockerconfigjson (kubectl create secret docker-registry --from-file=.dockerconfigjson=/dev/null)',
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': '' },
      want: [`data[.dockerconfigjson]: ${REDACTED}: unexpected end of JSON input`],
    },
    {
      name: 'a .dockerconfigjson that is a list',
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': '[]' },
      want: [
        `data[.dockerconfigjson]: ${REDACTED}: json: cannot unmarshal array into Go value of type map[string]interface {}`,
      ],
    },
    {
      name: 'a valid .dockerconfigjson',
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': '{"auths":{"registry.local":{"auth":"dTpw"}}}' },
      want: [],
    },
    {
      name: 'a .dockercfg that is not JSON',
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': 'user:pass' },
      want: [`data[.dockercfg]: ${REDACTED}: invalid character 'u' looking for beginning of value`],
    },
    {
      name: 'a dockercfg without its key',
      type: 'kubernetes.io/dockercfg',
      data: {},
      want: ['data[.dockercfg]: Required value'],
    },
    {
      name: 'ssh-auth with an empty key',
      type: 'kubernetes.io/ssh-auth',
      data: { 'ssh-privatekey': '' },
      want: ['data[ssh-privatekey]: Required value'],
    },
    {
      name: 'tls without either half',
      type: 'kubernetes.io/tls',
      data: {},
      want: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'],
    },
    {
      name: 'tls with empty halves (upstream checks presence only)',
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': '', 'tls.key': '' },
      want: [],
    },
    {
      name: 'basic-auth with neither field',
      type: 'kubernetes.io/basic-auth',
      data: {},
      want: ['data[username]: Required value', 'data[password]: Required value'],
    },
    {
      name: 'basic-auth with an empty password only',
      type: 'kubernetes.io/basic-auth',
      data: { password: '' },
      want: [],
    },
    {
      name: 'a service account token without its account',
      type: 'kubernetes.io/service-account-token',
      data: {},
      want: ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    },
    { name: 'an unknown type', type: 'example.com/thing', data: {}, want: [] },
  ])('$name', ({ type, data, want }) => {
    expect(messages(type, data)).toEqual(want);
  });
});
