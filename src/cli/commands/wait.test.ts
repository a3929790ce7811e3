import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { main } from '../main.js';
import { conditionMet, parseWaitFor } from './wait.js';

function obj(status: unknown, generation?: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...(generation === undefined ? {} : { generation }) },
    status,
  } as KubeObject;
}

describe('parseWaitFor (kubectl wait --for)', () => {
  it.each([
    { text: 'delete', want: { kind: 'delete' } },
    { text: 'Delete', want: { kind: 'delete' } },
    { text: 'condition=Ready', want: { kind: 'condition', name: 'Ready', status: 'true' } },
    { text: 'condition=Ready=Unknown', want: { kind: 'condition', name: 'Ready', status: 'Unknown' } },
    { text: 'condition=Available=false', want: { kind: 'condition', name: 'Available', status: 'false' } },
  ])('$text', ({ text, want }) => {
    expect(parseWaitFor(text)).toEqual(want);
  });

  it.each([
    { text: undefined, err: '--for must be set' },
    { text: 'condition=', err: 'condition name cannot be empty' },
    { text: 'ready', err: 'unrecognized condition: "ready"' },
  ])('refuses $text', ({ text, err }) => {
    expect(() => parseWaitFor(text)).toThrow(err);
  });
});

describe('conditionMet (kubectl ConditionalWait.checkCondition)', () => {
  const node = obj({
    conditions: [
      { type: 'MemoryPressure', status: 'Unknown' },
      { type: 'Ready', status: 'Unknown' },
    ],
  });

  it.each([
    { name: 'Ready', status: 'Unknown', met: true },
    { name: 'ready', status: 'unknown', met: true },
    { name: 'Ready', status: 'true', met: false },
    { name: 'Ready', status: 'false', met: false },
    { name: 'DiskPressure', status: 'Unknown', met: false },
  ])('$name=$status on an unreachable node: $met', ({ name, status, met }) => {
    expect(conditionMet(node, name, status)).toBe(met);
  });

  it('is false without conditions', () => {
    expect(conditionMet(obj(undefined), 'Ready', 'true')).toBe(false);
    expect(conditionMet(obj({ conditions: 'x' }), 'Ready', 'true')).toBe(false);
  });

  it('waits for the controller to observe the current generation', () => {
    const conditions = [{ type: 'Available', status: 'True' }];
    expect(conditionMet(obj({ observedGeneration: 1, conditions }, 2), 'Available', 'true')).toBe(false);
    expect(conditionMet(obj({ observedGeneration: 2, conditions }, 2), 'Available', 'true')).toBe(true);
    const own = [{ type: 'Available', status: 'True', observedGeneration: 1 }];
    expect(conditionMet(obj({ observedGeneration: 2, conditions: own }, 2), 'Available', 'true')).toBe(false);
  });
});

describe('netkube wait arguments', () => {
  async function run(argv: string[]) {
    let stderr = '';
    const code = await main(argv, {
      stdout: { write: () => {} },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: new PassThrough(),
      env: { NETKUBE_HOME: '/nonexistent/netkube-home' },
      cwd: process.cwd(),
    });
    return { code, stderr };
  }

  it.each([
    { argv: ['wait', 'node/worker-2', '--for=ready'], err: 'error: unrecognized condition: "ready"' },
    { argv: ['wait', 'node/worker-2', '--for=delete', '--timeout=soon'], err: 'invalid argument "soon"' },
  ])('$argv', async ({ argv, err }) => {
    const r = await run(argv);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(err);
  });
});
