import { describe, expect, it } from 'vitest';
import type { FakeClock } from '../../util/clock.js';
import { execHost } from '../testing/exec-host.js';
import { curlRequestHead, curlWarning, parseCurlArgs } from './commands/curl-options.js';
import { runInContainer } from './run.js';
import {
  AGNHOST_TOOLS,
  ALPINE_CURL_TOOLS,
  BUSYBOX_TOOLS,
  curlVersionFor,
  DEBIAN_TOOLS,
  NETSHOOT_TOOLS,
  NO_TOOLS,
  type ToolSet,
} from './toolset.js';

async function run(argv: string[], tools: ToolSet = BUSYBOX_TOOLS, host = execHost(tools)) {
  const r = await runInContainer(host, argv, { PATH: '/bin', HOSTNAME: 'web-0' }, { timeoutMs: 10_000 });
  return { out: r.stdout, err: r.stderr, code: r.exitCode };
}

const sh = (script: string) => ['sh', '-c', script];

const BUSYBOX_SET =
  'cat, date, echo, env, false, hostname, ip, ls, mkdir, nc, nslookup, printenv, printf, rm, sleep, test, touch, true, wget';
const NETSHOOT_SET =
  'cat, curl, date, dig, echo, env, false, hostname, ip, ls, mkdir, nc, nslookup, printenv, printf, rm, sleep, test, touch, true, wget';

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
    { name: 'unknown via sh', argv: sh('strace ls'), out: '', err: 'sh: strace: not found\n', code: 127 },
    {
      name: 'unknown binary',
      argv: ['strace'],
      out: '',
      err: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "strace": executable file not found in $PATH: unknown\n',
      code: 126,
    },
    {
      name: 'busybox applet netkube does not emulate, via sh',
      argv: sh('ping -c1 10.96.0.10'),
      out: '',
      err: `sh: ping: not emulated by netkube (the image has it, but simulated containers run only netkube's safe command set: ${BUSYBOX_SET})\n`,
      code: 127,
    },
    {
      name: 'busybox applet netkube does not emulate, exec',
      argv: ['/bin/uname', '-a'],
      out: '',
      err: `OCI runtime exec failed: exec failed: unable to start container process: exec: "/bin/uname": not emulated by netkube (the image has it, but simulated containers run only netkube's safe command set: ${BUSYBOX_SET}): unknown\n`,
      code: 126,
    },
    {
      name: 'netshoot host (bash message)',
      argv: sh('host web'),
      out: '',
      err: `sh: line 1: host: not emulated by netkube (the image has it, but simulated containers run only netkube's safe command set: ${NETSHOOT_SET})\n`,
      code: 127,
      tools: NETSHOOT_TOOLS,
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
    {
      name: "command substitution: the command's stderr reaches the shell's",
      argv: sh('echo "[$(cat /nope)]"'),
      out: '[]\n',
      err: "cat: can't open '/nope': No such file or directory\n",
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
    {
      name: 'ip route get (iproute2)',
      argv: ['ip', 'route', 'get', '10.96.0.10'],
      out: '10.96.0.10 via 169.254.1.1 dev eth0 src 10.244.1.5 uid 0 \n    cache \n',
      err: '',
      code: 0,
      tools: AGNHOST_TOOLS,
    },
    {
      name: 'ip route get (busybox)',
      argv: ['ip', 'route', 'get', '10.96.0.10'],
      out: '10.96.0.10 via 169.254.1.1 dev eth0  src 10.244.1.5 \n',
      err: '',
      code: 0,
    },
    {
      name: 'ip route get: the gateway is on-link',
      argv: ['ip', 'r', 'get', '169.254.1.1'],
      out: '169.254.1.1 dev eth0 src 10.244.1.5 uid 0 \n    cache \n',
      err: '',
      code: 0,
      tools: AGNHOST_TOOLS,
    },
    {
      name: 'ip route get: own address is local',
      argv: ['ip', 'route', 'get', '10.244.1.5'],
      out: 'local 10.244.1.5 dev lo src 10.244.1.5 uid 0 \n    cache <local> \n',
      err: '',
      code: 0,
      tools: AGNHOST_TOOLS,
    },
    {
      name: 'ip route get: not an address',
      argv: ['ip', 'route', 'get', 'web'],
      out: '',
      err: 'Error: any valid prefix is expected rather than "web".\n',
      code: 1,
      tools: AGNHOST_TOOLS,
    },
    {
      name: 'ip -4 addr show eth0',
      argv: ['ip', '-4', 'addr', 'show', 'eth0'],
      out:
        '3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 qdisc noqueue state UP group default qlen 1000\n' +
        '    inet 10.244.1.5/32 scope global eth0\n       valid_lft forever preferred_lft forever\n',
      err: '',
      code: 0,
      tools: AGNHOST_TOOLS,
    },
    {
      name: 'ip -o addr',
      argv: ['ip', '-o', 'addr'],
      out:
        '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n' +
        '3: eth0    inet 10.244.1.5/32 scope global eth0\\       valid_lft forever preferred_lft forever\n',
      err: '',
      code: 0,
      tools: AGNHOST_TOOLS,
    },
    {
      name: 'ip addr show: missing device',
      argv: ['ip', 'addr', 'show', 'dev', 'eth1'],
      out: '',
      err: 'Device "eth1" does not exist.\n',
      code: 1,
      tools: AGNHOST_TOOLS,
    },
    {
      name: 'ip neigh is not emulated',
      argv: ['ip', 'neigh'],
      out: '',
      err: 'ip: netkube does not emulate "ip neigh"; it emulates ip address, ip link and ip route\n',
      code: 1,
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

  it('curl --version follows the image tag (curlimages/curl:8.10.1)', async () => {
    const host = { ...execHost(ALPINE_CURL_TOOLS), image: 'curlimages/curl:8.10.1' };
    expect(await run(['curl', '--version'], ALPINE_CURL_TOOLS, host)).toEqual({
      out: 'curl 8.10.1 (x86_64-pc-linux-musl) libcurl/8.10.1\nRelease-Date: 2024-09-18\n',
      err: '',
      code: 0,
    });
    expect((await run(['curl', '-V'], DEBIAN_TOOLS)).out).toBe(
      'curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0\nRelease-Date: 2023-12-06\n',
    );
    expect(curlVersionFor('curlimages/curl:8.10.1', '8.5.0')).toBe('8.10.1');
    expect(curlVersionFor('docker.io/curlimages/curl:8.11.0', '8.5.0')).toBe('8.11.0');
    expect(curlVersionFor('curlimages/curl:latest', '8.5.0')).toBe('8.5.0');
    expect(curlVersionFor('nginx:1.27', '8.5.0')).toBe('8.5.0');
  });

  it('curl sends its version as User-Agent and wraps warnings at 79 columns like curl', () => {
    const parsed = parseCurlArgs(['http://web/']);
    if (!parsed.ok) throw new Error('parse');
    expect(curlRequestHead(parsed.options, 'GET', '/', 'web', '8.10.1')).toEqual([
      'GET / HTTP/1.1',
      'Host: web',
      'User-Agent: curl/8.10.1',
      'Accept: */*',
    ]);
    expect(
      curlWarning(
        'Couldn\'t read data from file "/etc/filebeat/filebeat.template.json", this makes an empty POST.',
      ),
    ).toBe(
      'Warning: Couldn\'t read data from file "/etc/filebeat/filebeat.template.json", \nWarning: this makes an empty POST.\n',
    );
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
