import { describe, expect, it } from 'vitest';
import { container, testCluster } from '../testing/cluster.js';
import { alpineOsRelease, debianOsRelease, nginxAlpineBranch, nginxDebianBase } from './os-release.js';

function pod(image: string) {
  const c = testCluster();
  // The mysql image needs a root password option to start at all.
  const env = image.startsWith('mysql') ? [{ name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: 'yes' }] : [];
  c.startPod({ name: 'p', ip: '10.244.1.5', containers: [container('c', image, { env })] });
  return (command: string[]) => c.runtime.exec({ namespace: 'default', pod: 'p', command });
}

const NOT_EMULATED = (name: string) =>
  `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": not emulated by netkube (the image has it`;

describe("the image's own programs in kubectl exec", () => {
  it.each([
    { image: 'nginx:1.14.2', argv: ['nginx', '-v'], err: 'nginx version: nginx/1.14.2\n' },
    { image: 'nginx:1.14.2', argv: ['/usr/sbin/nginx', '-v'], err: 'nginx version: nginx/1.14.2\n' },
    { image: 'nginx:1.25.3-alpine', argv: ['nginx', '-v'], err: 'nginx version: nginx/1.25.3\n' },
    { image: 'nginx:1.16.1', argv: ['sh', '-c', 'nginx -v 2>&1'], out: 'nginx version: nginx/1.16.1\n' },
    { image: 'httpd:2.4.58', argv: ['httpd', '-v'], out: 'Server version: Apache/2.4.58 (Unix)\n' },
    { image: 'redis:7.2.4', argv: ['redis-cli', '-v'], out: 'redis-cli 7.2.4\n' },
  ])('$image: $argv answers exactly', async ({ image, argv, err, out }) => {
    const r = await pod(image)(argv);
    expect(r.exitCode).toBe(0);
    if (err !== undefined) expect(r.stderr).toBe(err);
    if (out !== undefined) expect(r.stdout.startsWith(out)).toBe(true);
  });

  it.each([
    { image: 'nginx:1.14.2', argv: ['nginx', '-s', 'reload'] },
    { image: 'nginx:1.14.2', argv: ['nginx-debug', '-T'] },
    { image: 'mysql:5.7', argv: ['mysqld', '--verbose', '--help'] },
    { image: 'redis:7.2.4', argv: ['redis-server', '--version'] },
    { image: 'redis:7.2.4', argv: ['redis-cli', 'ping'] },
  ])('$image: $argv is the image’s but not emulated (exit 126, not "not found")', async ({ image, argv }) => {
    const r = await pod(image)(argv);
    expect(r.exitCode).toBe(126);
    expect(r.stderr.startsWith(NOT_EMULATED(argv[0] ?? ''))).toBe(true);
  });

  it('a scratch image (whoami) has its binary but no other command', async () => {
    const r = await pod('traefik/whoami:v1.10')(['/whoami', '--help']);
    expect(r.exitCode).toBe(126);
    expect(r.stderr).toBe(
      `${NOT_EMULATED('/whoami')}, but netkube runs no command in this image): unknown\n`,
    );
    expect((await pod('traefik/whoami:v1.10')(['sh'])).stderr).toContain('executable file not found');
  });

  it('through sh, the shell’s own message says so (127)', async () => {
    const r = await pod('nginx:1.14.2')(['sh', '-c', 'nginx -s reload']);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/^sh: 1: nginx: not emulated by netkube \(the image has it/);
  });

  it('a path the image does not have stays "not found"; bash exists in Debian images', async () => {
    const exec = pod('nginx:1.14.2');
    expect((await exec(['/usr/bin/nginx', '-v'])).stderr).toContain('executable file not found in $PATH');
    expect((await exec(['bash', '-c', 'echo ok'])).stdout).toBe('ok\n');
  });
});

describe('files the images ship', () => {
  it('nginx:1.14.2 (stretch): os-release, nginx.conf and default.conf as packaged', async () => {
    const exec = pod('nginx:1.14.2');
    expect((await exec(['cat', '/etc/os-release'])).stdout).toBe(
      'PRETTY_NAME="Debian GNU/Linux 9 (stretch)"\nNAME="Debian GNU/Linux"\nVERSION_ID="9"\nVERSION="9 (stretch)"\n' +
        'VERSION_CODENAME=stretch\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\n' +
        'BUG_REPORT_URL="https://bugs.debian.org/"\n',
    );
    const conf = (await exec(['cat', '/etc/nginx/nginx.conf'])).stdout;
    expect(
      conf.startsWith('\nuser  nginx;\nworker_processes  1;\n\nerror_log  /var/log/nginx/error.log warn;\n'),
    ).toBe(true);
    const site = (await exec(['cat', '/etc/nginx/conf.d/default.conf'])).stdout;
    expect(
      site.startsWith(
        'server {\n    listen       80;\n    server_name  localhost;\n\n    #charset koi8-r;\n',
      ),
    ).toBe(true);
    expect(site).toContain(
      '    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n',
    );
  });

  it('nginx:1.25.3-alpine: Alpine 3.18, the entrypoint’s IPv6 listen, notice-level error log', async () => {
    const exec = pod('nginx:1.25.3-alpine');
    expect((await exec(['cat', '/etc/os-release'])).stdout).toContain('PRETTY_NAME="Alpine Linux v3.18"\n');
    expect((await exec(['cat', '/etc/nginx/conf.d/default.conf'])).stdout).toContain(
      '    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    #access_log',
    );
    expect((await exec(['cat', '/etc/nginx/nginx.conf'])).stdout).toContain(
      'worker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n',
    );
  });

  it('busybox has no /etc/os-release; resolv.conf and hosts are the kubelet’s everywhere', async () => {
    const exec = pod('busybox:1.36');
    expect((await exec(['cat', '/etc/os-release'])).stderr).toBe(
      "cat: can't open '/etc/os-release': No such file or directory\n",
    );
    expect((await exec(['cat', '/etc/resolv.conf'])).stdout).toContain('nameserver ');
    expect((await pod('nginx:1.14.2')(['cat', '/etc/hosts'])).stdout).toContain('10.244.1.5\tp\n');
  });

  it.each([
    { version: [1, 14, 2], debian: 'stretch', alpine: '3.9' },
    { version: [1, 16, 1], debian: 'buster', alpine: '3.10' },
    { version: [1, 20, 1], debian: 'buster', alpine: '3.14' },
    { version: [1, 20, 2], debian: 'bullseye', alpine: '3.14' },
    { version: [1, 21, 0], debian: 'buster', alpine: '3.13' },
    { version: [1, 25, 0], debian: 'bullseye', alpine: '3.17' },
    { version: [1, 25, 3], debian: 'bookworm', alpine: '3.18' },
    { version: [1, 28, 0], debian: 'bookworm', alpine: '3.21' },
    { version: [1, 29, 0], debian: 'bookworm', alpine: '3.22' },
    { version: [1, 29, 8], debian: 'trixie', alpine: '3.23' },
  ])('nginx $version was last built on $debian / Alpine $alpine', ({ version, debian, alpine }) => {
    expect(nginxDebianBase(version)).toBe(debian);
    expect(nginxAlpineBranch(version)).toBe(alpine);
  });

  it('trixie names its point release; Alpine its branch', () => {
    expect(debianOsRelease('trixie')).toContain('VERSION_CODENAME=trixie\nDEBIAN_VERSION_FULL=13.');
    expect(alpineOsRelease('3.18')).toBe(
      'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.6\nPRETTY_NAME="Alpine Linux v3.18"\nHOME_URL="https://alpinelinux.org/"\n' +
        'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
    );
  });
});
