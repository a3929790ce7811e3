import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { conflict, invalid, notFound, StatusError } from '../api/errors.js';
import { type ResourceInfo, resourceForKind } from '../api/resources.js';
import { ConnectionRefusedError, statusErrorFrom } from './client.js';
import { effectiveGracePeriod } from './commands/delete.js';
import { imagePatch } from './commands/set-image.js';
import { AggregateCliError, exitCodeFor, formatError } from './errors.js';
import { main } from './main.js';
import { parseTargets } from './targets.js';

const deploy = resourceForKind('Deployment') as ResourceInfo;

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough(),
    env: { NETKUBE_HOME: '/nonexistent/netkube-home', ...env },
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe('argument parsing (kubectl resource builder)', () => {
  it.each([
    { args: ['po'], want: [['pods', []]] },
    {
      args: ['deploy,svc', 'web'],
      want: [
        ['deployments', ['web']],
        ['services', ['web']],
      ],
    },
    {
      args: ['deployment.apps/web', 'pod/a', 'pod/b'],
      want: [
        ['deployments', ['web']],
        ['pods', ['a', 'b']],
      ],
    },
    {
      args: ['all'],
      want: [
        ['pods', []],
        ['services', []],
        ['deployments', []],
        ['replicasets', []],
      ],
    },
    { args: ['ippools'], want: [['ippools', []]] },
  ])('$args', ({ args, want }) => {
    expect(parseTargets(args).map((t) => [t.info.resource, t.names])).toEqual(want);
  });

  it.each([
    { args: ['foo'], err: 'the server doesn\'t have a resource type "foo"' },
    { args: ['pod/a', 'b'], err: 'there is no need to specify a resource type as a separate argument' },
  ])('rejects $args', ({ args, err }) => {
    expect(() => parseTargets(args)).toThrow(err);
  });
});

describe('error messages and exit codes (kubectl CheckErr)', () => {
  it.each([
    {
      name: 'NotFound',
      err: notFound(deploy, 'web'),
      want: 'Error from server (NotFound): deployments.apps "web" not found',
    },
    {
      name: 'Conflict',
      err: conflict(deploy, 'web'),
      want: 'Error from server (Conflict): Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    },
    {
      name: 'Invalid with one cause',
      err: invalid(deploy, 'web', [
        {
          type: 'FieldValueInvalid',
          field: 'spec.replicas',
          value: -1,
          detail: 'must be greater than or equal to 0',
        },
      ]),
      want: 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    },
    {
      name: 'a Status read back from a 404 without body',
      err: statusErrorFrom(404, 'not json'),
      want: 'Error from server (NotFound): the server could not find the requested resource',
    },
    {
      name: 'refused connection',
      err: new ConnectionRefusedError('127.0.10.1:6443'),
      want: 'The connection to the server 127.0.10.1:6443 was refused - did you specify the right host or port?',
    },
    { name: 'plain error', err: new Error('boom'), want: 'error: boom' },
    {
      name: 'several errors, one per line',
      err: new AggregateCliError([notFound(deploy, 'a'), notFound(deploy, 'b')]),
      want: 'Error from server (NotFound): deployments.apps "a" not found\nError from server (NotFound): deployments.apps "b" not found',
    },
  ])('$name', ({ err, want }) => {
    expect(formatError(err)).toBe(want);
    expect(exitCodeFor(err)).toBe(1);
  });

  it('reads a Status body into a StatusError', () => {
    const err = statusErrorFrom(409, JSON.stringify(conflict(deploy, 'web').toStatus()));
    expect(err).toBeInstanceOf(StatusError);
    expect(err.reason).toBe('Conflict');
  });

  it.each([
    {
      argv: ['get', 'pods', '--bogus'],
      code: 2,
      stderr: "error: unknown flag: --bogus\nSee 'netkube get --help' for usage.\n",
    },
    {
      argv: ['frobnicate'],
      code: 2,
      stderr: 'error: unknown command "frobnicate" for "netkube"\nSee \'netkube --help\' for usage.\n',
    },
    {
      argv: ['rollout', 'undo'],
      code: 2,
      stderr: "error: missing required argument 'args'\nSee 'netkube rollout undo --help' for usage.\n",
    },
    {
      argv: ['get', 'pods'],
      code: 1,
      stderr: 'error: no emulator named "default" is running: start one with `netkube up`\n',
    },
    {
      argv: ['get', 'pods', '--name', 'lab'],
      code: 1,
      stderr: 'error: no emulator named "lab" is running: start one with `netkube up`\n',
    },
    { argv: ['get', 'foo'], code: 1, stderr: 'error: the server doesn\'t have a resource type "foo"\n' },
    {
      argv: ['get', 'pods', '-o', 'table2'],
      code: 1,
      stderr:
        'error: unable to match a printer suitable for the output format "table2", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,wide,yaml\n',
    },
    {
      argv: ['scale', 'deploy/web'],
      code: 1,
      stderr: 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n',
    },
    {
      argv: ['set', 'image', 'deploy/web'],
      code: 1,
      stderr: 'error: at least one image update is required\n',
    },
  ])('netkube $argv → exit $code', async ({ argv, code, stderr }) => {
    const r = await run(argv);
    expect(r.stderr).toBe(stderr);
    expect(r.code).toBe(code);
  });

  it('checks -l locally before any request', async () => {
    const r = await run(['get', 'pods', '-l', 'app in web']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: unable to parse requirement: /);
  });

  it('honours NETKUBE_NAME', async () => {
    const r = await run(['get', 'pods'], { NETKUBE_NAME: 'other' });
    expect(r.stderr).toContain('no emulator named "other" is running');
  });

  it('prints help with exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: netkube');
    expect(r.stdout).toContain('rollout');
  });
});

describe('set image patch (kubectl strategic merge patch)', () => {
  const spec = {
    containers: [
      { name: 'nginx', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'busybox' },
    ],
  };
  it('sends $setElementOrder and only the changed containers', () => {
    const missing: string[] = [];
    expect(imagePatch(spec, new Map([['nginx', 'nginx:1.27']]), missing)).toEqual({
      '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
      containers: [{ image: 'nginx:1.27', name: 'nginx' }],
    });
    expect(missing).toEqual([]);
  });

  it('is empty for an unchanged image and reports unknown containers', () => {
    const missing: string[] = [];
    expect(
      imagePatch(
        spec,
        new Map([
          ['nginx', 'nginx:1.25'],
          ['nope', 'x'],
        ]),
        missing,
      ),
    ).toEqual({});
    expect(missing).toEqual(['nope']);
  });

  it('updates every container with *', () => {
    const patch = imagePatch(spec, new Map([['*', 'nginx:1.27']]), []);
    expect(patch.containers).toEqual([
      { image: 'nginx:1.27', name: 'nginx' },
      { image: 'nginx:1.27', name: 'sidecar' },
    ]);
  });
});

describe('delete grace period (kubectl rules)', () => {
  it.each([
    { opts: {}, want: -1 },
    { opts: { gracePeriod: 0 }, want: 1 },
    { opts: { gracePeriod: 0, force: true }, want: 0 },
    { opts: { force: true }, want: 0 },
    { opts: { now: true }, want: 1 },
    { opts: { gracePeriod: 5 }, want: 5 },
  ])('$opts → $want', ({ opts, want }) => {
    expect(effectiveGracePeriod(opts)).toBe(want);
  });

  it('refuses --force with a positive grace period', () => {
    expect(() => effectiveGracePeriod({ gracePeriod: 5, force: true })).toThrow(
      '--force and --grace-period greater than 0 cannot be specified together',
    );
  });
});
