import { describe, expect, it } from 'vitest';
import type { FakeClock } from '../../util/clock.js';
import { execHost } from '../testing/exec-host.js';
import { runInContainer } from './run.js';
import { AGNHOST_TOOLS, BUSYBOX_TOOLS, DEBIAN_TOOLS, NO_TOOLS, type ToolSet } from './toolset.js';

async function run(argv: string[], tools: ToolSet = BUSYBOX_TOOLS, host = execHost(tools)) {
  const r = await runInContainer(host, argv, { PATH: '/bin', HOSTNAME: 'web-0' }, { timeoutMs: 10_000 });
  return { out: r.stdout, err: r.stderr, code: r.exitCode };
}

const sh = (script: string) => ['sh', '-c', script];

describe('safe in-pod command set', () => {
  it.each([
    { name: 'hostname', argv: ['hostname'], out: 'web-0\n', err: '', code: 0 },
    { name: 'hostname -i', argv: ['hostname', '-i'], out: '10.244.1.5\n', err: '', code: 0 },
    {
      name: 'resolv.conf',
      argv: ['cat', '/etc/resolv.conf'],
      out: 'search demo.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
      err: '',
      code: 0,
    },
    {
      name: 'hosts',
      argv: ['cat', '/etc/hosts'],
      out:
        '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n' +
        'fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.1.5\tweb-0\n',
      err: '',
      code: 0,
    },
    {
      name: 'missing file (busybox)',
      argv: ['cat', '/tmp/healthy'],
      out: '',
      err: "cat: can't open '/tmp/healthy': No such file or directory\n",
      code: 1,
    },
    { name: 'env', argv: ['env'], out: 'PATH=/bin\nHOSTNAME=web-0\n', err: '', code: 0 },
    { name: 'echo', argv: ['echo', 'a', 'b'], out: 'a b\n', err: '', code: 0 },
    { name: 'true', argv: ['true'], out: '', err: '', code: 0 },
    { name: 'false', argv: ['false'], out: '', err: '', code: 1 },
    { name: 'date', argv: ['date'], out: 'Fri Jan  2 03:04:05 UTC 2026\n', err: '', code: 0 },
    {
      name: 'ls /',
      argv: ['ls', '/'],
      out: 'bin\ndev\netc\nhome\nproc\nroot\nrun\nsys\ntmp\nusr\nvar\n',
      err: '',
      code: 0,
    },
    { name: 'unknown via sh', argv: sh('ps aux'), out: '', err: 'sh: ps: not found\n', code: 127 },
    {
      name: 'unknown binary',
      argv: ['ps'],
      out: '',
      err: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "ps": executable file not found in $PATH: unknown\n',
      code: 126,
    },
    {
      name: '&& and ||',
      argv: sh('false && echo no || echo yes; echo $?'),
      out: 'yes\n0\n',
      err: '',
      code: 0,
    },
    {
      name: 'quotes and vars',
      argv: sh('X="a  b"; echo "$X" $X \'$X\''),
      out: 'a  b a b $X\n',
      err: '',
      code: 0,
    },
    {
      name: 'command substitution',
      argv: sh('echo "host=$(hostname)"'),
      out: 'host=web-0\n',
      err: '',
      code: 0,
    },
    { name: 'arithmetic', argv: sh('i=2; i=$((i*3+1)); echo $i'), out: '7\n', err: '', code: 0 },
    { name: 'for loop', argv: sh('for x in 1 2 3; do echo -n $x; done'), out: '123', err: '', code: 0 },
    {
      name: 'if test',
      argv: sh('if [ -f /etc/hosts ]; then echo yes; else echo no; fi'),
      out: 'yes\n',
      err: '',
      code: 0,
    },
    { name: 'exit code', argv: sh('exit 3'), out: '', err: '', code: 3 },
    {
      name: 'syntax error (ash)',
      argv: sh('echo hi; done'),
      out: '',
      err: 'sh: syntax error: unexpected "done"\n',
      code: 2,
    },
    {
      name: 'redirect to missing dir',
      argv: sh('echo x > /nope/file'),
      out: '',
      err: "sh: can't create /nope/file: nonexistent directory\n",
      code: 2,
    },
    {
      name: 'no shell in scratch images',
      argv: sh('echo hi'),
      out: '',
      err: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown\n',
      code: 126,
      tools: NO_TOOLS,
    },
    {
      name: 'curl absent from busybox',
      argv: sh('curl http://x'),
      out: '',
      err: 'sh: curl: not found\n',
      code: 127,
    },
    {
      name: 'dash message',
      argv: sh('ps'),
      out: '',
      err: 'sh: 1: ps: not found\n',
      code: 127,
      tools: DEBIAN_TOOLS,
    },
    {
      name: 'GNU cat message',
      argv: ['cat', '/nope'],
      out: '',
      err: 'cat: /nope: No such file or directory\n',
      code: 1,
      tools: DEBIAN_TOOLS,
    },
    { name: 'pipe', argv: sh('cat /etc/hostname | cat'), out: 'web-0\n', err: '', code: 0 },
    {
      name: '2>&1 into a pipe',
      argv: sh('cat /nope 2>&1 | cat'),
      out: "cat: can't open '/nope': No such file or directory\n",
      err: '',
      code: 0,
    },
    {
      name: 'ip route',
      argv: ['ip', 'route'],
      out: 'default via 169.254.1.1 dev eth0\n169.254.1.1 dev eth0 scope link\n',
      err: '',
      code: 0,
      tools: AGNHOST_TOOLS,
    },
  ])('$name', async ({ argv, out, err, code, tools }) => {
    expect(await run(argv, tools)).toEqual({ out, err, code });
  });

  it('touch, cat, rm and echo > change the virtual filesystem (the liveness-exec example)', async () => {
    const host = execHost();
    const exec = (script: string) => run(sh(script), BUSYBOX_TOOLS, host);
    expect((await exec('touch /tmp/healthy; cat /tmp/healthy')).code).toBe(0);
    expect(await exec('echo ok > /tmp/state; echo more >> /tmp/state; cat /tmp/state')).toEqual({
      out: 'ok\nmore\n',
      err: '',
      code: 0,
    });
    expect(await exec('rm /tmp/healthy; cat /tmp/healthy')).toEqual({
      out: '',
      err: "cat: can't open '/tmp/healthy': No such file or directory\n",
      code: 1,
    });
    expect(await exec('rm /tmp/healthy')).toEqual({
      out: '',
      err: "rm: can't remove '/tmp/healthy': No such file or directory\n",
      code: 1,
    });
    expect(await exec('rm -f /tmp/healthy')).toEqual({ out: '', err: '', code: 0 });
    expect(await exec('ls /tmp')).toEqual({ out: 'state\n', err: '', code: 0 });
  });

  it('sleep waits on the injected clock and is bounded', async () => {
    const host = execHost();
    const done = runInContainer(host, ['sleep', '5'], {}, { timeoutMs: 60_000, maxSleepMs: 2_000 });
    await Promise.resolve();
    (host.clock as FakeClock).step(2_000);
    expect((await done).exitCode).toBe(0);
  });

  it('a run that outlives its timeout is aborted', async () => {
    const host = execHost();
    const done = runInContainer(host, sh('while true; do sleep 1; done'), {}, { timeoutMs: 3_000 });
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      (host.clock as FakeClock).step(1_000);
    }
    const r = await done;
    expect(r.timedOut).toBe(true);
  });
});
