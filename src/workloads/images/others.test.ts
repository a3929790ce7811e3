import { describe, expect, it } from 'vitest';
import { container, testCluster } from '../testing/cluster.js';
import { normaliseDate } from '../testing/fake-context.js';

async function rawTcp(
  c: ReturnType<typeof testCluster>,
  ip: string,
  port: number,
  send: string | Buffer,
  wait = 5,
): Promise<Buffer> {
  const socket = await c.connect(ip, port);
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.write(send);
  await c.settle(wait);
  socket.destroy();
  return Buffer.concat(chunks);
}

describe('hashicorp/http-echo', () => {
  it('answers -text with app headers and an access log line', async () => {
    const c = testCluster();
    c.startPod({
      name: 'foo-app',
      ip: '10.244.1.5',
      containers: [container('c', 'hashicorp/http-echo:1.0', { args: ['-text=foo'] })],
    });
    expect(normaliseDate(await c.get('10.244.1.5', 5678, '/foo'))).toBe(
      'HTTP/1.1 200 OK\r\nX-App-Name: http-echo\r\nX-App-Version: 1.0.0\r\nDate: <date>\r\nContent-Length: 4\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfoo\n',
    );
    expect(normaliseDate(await c.get('10.244.1.5', 5678, '/health'))).toBe(
      'HTTP/1.1 200 OK\r\nX-App-Name: http-echo\r\nX-App-Version: 1.0.0\r\nDate: <date>\r\nContent-Length: 16\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{"status":"ok"}\n',
    );
    const log = c.logs.read('default/foo-app/c').split('\n');
    expect(log[0]).toBe('2026/01/02 03:04:05 [INFO] server is listening on :5678');
    expect(log[1]).toMatch(
      /^2026\/01\/02 03:04:05 10\.244\.1\.5:5678 10\.244\.0\.7:\d+ "GET \/foo HTTP\/1\.1" 200 4 "curl\/8\.5\.0" [\d.]+(ns|µs|ms)$/,
    );
  });

  it('uses ECHO_TEXT (the 1.0 image sets hello-world), -status-code and -listen', async () => {
    const c = testCluster();
    c.startPod({ name: 'a', ip: '10.244.1.5', containers: [container('c', 'hashicorp/http-echo')] });
    expect((await c.get('10.244.1.5', 5678)).split('\r\n\r\n')[1]).toBe('hello-world\n');
    c.startPod({
      name: 'b',
      ip: '10.244.1.6',
      containers: [
        container('c', 'hashicorp/http-echo', {
          args: ['-listen=:8080', '-status-code=503', '-text', 'down'],
        }),
      ],
    });
    expect((await c.get('10.244.1.6', 8080)).split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable');
  });

  it.each([
    {
      image: 'hashicorp/http-echo',
      args: ['-text=a', 'extra'],
      env: [],
      code: 127,
      log: 'Too many arguments!\n',
    },
    {
      image: 'hashicorp/http-echo',
      args: [],
      env: [{ name: 'ECHO_TEXT', value: '' }],
      code: 127,
      log: 'Missing -text option or ECHO_TEXT env var!\n',
    },
    { image: 'hashicorp/http-echo:0.2.3', args: [], env: [], code: 127, log: 'Missing -text option!\n' },
    {
      image: 'hashicorp/http-echo:1.0.0',
      args: ['-nope'],
      env: [],
      code: 2,
      log:
        'flag provided but not defined: -nope\nUsage of /http-echo:\n  -listen string\n    \taddress and port to listen (default ":5678")\n' +
        '  -status-code int\n    \thttp response code, e.g.: 200 (default 200)\n  -text string\n    \ttext to put on the webpage\n  -version\n    \tdisplay version information\n',
    },
  ])('fails like the binary: $args', async ({ image, args, env, code, log }) => {
    const c = testCluster();
    const started = c.startPod({
      name: 'p',
      ip: '10.244.1.5',
      containers: [container('c', image, { args, env })],
    });
    await c.settle();
    expect(started.exits).toEqual([['c', code, 'Error']]);
    expect(c.logs.read('default/p/c')).toBe(log);
  });

  it('SIGTERM: 1.x shuts down gracefully and exits 2; 0.2.3 ignores it until killed', async () => {
    const c = testCluster();
    const a = c.startPod({
      name: 'a',
      ip: '10.244.1.5',
      containers: [container('c', 'hashicorp/http-echo:1.0.0', { args: ['-text=a'] })],
    });
    const b = c.startPod({
      name: 'b',
      ip: '10.244.1.6',
      containers: [container('c', 'hashicorp/http-echo:0.2.3', { args: ['-text=b'] })],
    });
    a.containers[0]?.terminate(30_000);
    b.containers[0]?.terminate(30_000);
    await c.settle();
    expect(a.exits).toEqual([['c', 2, 'Error']]);
    expect(b.exits).toEqual([]);
    c.clock.step(30_000);
    await c.settle();
    expect(b.exits).toEqual([['c', 137, 'Error']]);
  });
});

describe('httpd', () => {
  it('answers It works! with Apache headers and logs the common format', async () => {
    const c = testCluster();
    c.startPod({ name: 'apache', ip: '10.244.1.5', containers: [container('c', 'httpd:2.4.58')] });
    expect(normaliseDate(await c.get('10.244.1.5', 80))).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nServer: Apache/2.4.58 (Unix)\r\nLast-Modified: Mon, 11 Jun 2007 18:53:14 GMT\r\nETag: "2d-432a5e4a73a80"\r\n' +
        'Accept-Ranges: bytes\r\nContent-Length: 45\r\nContent-Type: text/html\r\n\r\n<html><body><h1>It works!</h1></body></html>\n',
    );
    const notFound = normaliseDate(await c.get('10.244.1.5', 80, '/nope'));
    expect(notFound).toContain(
      'Content-Length: 196\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<!DOCTYPE HTML PUBLIC',
    );
    expect(c.logs.read('default/apache/c')).toContain(
      '10.244.0.7 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 45\n',
    );
  });
});

describe('redis', () => {
  it('speaks RESP and inline commands', async () => {
    const c = testCluster();
    c.startPod({ name: 'r', ip: '10.244.1.5', containers: [container('c', 'redis:7.2.4')] });
    expect((await rawTcp(c, '10.244.1.5', 6379, 'PING\r\n')).toString()).toBe('+PONG\r\n');
    const resp = await rawTcp(
      c,
      '10.244.1.5',
      6379,
      '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nFOO bar\r\n',
    );
    expect(resp.toString()).toBe(
      "+OK\r\n$2\r\nv1\r\n$2\r\nhi\r\n-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n",
    );
    expect(c.logs.read('default/r/c')).toContain('* Ready to accept connections tcp\n');
  });

  it('closes its side when the client half-closes, as redis frees a client on EOF', async () => {
    const c = testCluster();
    c.startPod({ name: 'r', ip: '10.244.1.5', containers: [container('c', 'redis:7.2.4')] });
    const socket = await c.connect('10.244.1.5', 6379);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((r) => socket.once('end', r));
    socket.end('PING\r\n');
    await c.settle(5);
    await ended;
    expect(Buffer.concat(chunks).toString()).toBe('+PONG\r\n');
    socket.destroy();
  });
});

describe('fallback for unknown images', () => {
  it('answers a whoami-like page on declared ports, echoes on non-HTTP ports', async () => {
    const c = testCluster();
    c.startPod({
      name: 'in-house',
      ip: '10.244.1.5',
      containers: [
        container('app', 'registry.example.com/team/app:1.0', {
          ports: [{ containerPort: 80 }, { containerPort: 5432 }],
        }),
      ],
    });
    const body = (await c.get('10.244.1.5', 80)).split('\r\n\r\n').slice(1).join('\r\n\r\n');
    expect(
      body.startsWith('Hostname: in-house\nIP: 127.0.0.1\nIP: ::1\nIP: 10.244.1.5\nRemoteAddr: 10.244.0.7:'),
    ).toBe(true);
    expect((await rawTcp(c, '10.244.1.5', 5432, 'ping')).toString()).toBe('ping');
    await expect(c.get('10.244.1.5', 8080)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('answers on any TCP port when the image declares none (gb-frontend, dbgurum/k8s-lab)', async () => {
    const c = testCluster();
    c.startPod({
      name: 'frontend-abcde',
      ip: '10.244.1.5',
      containers: [container('php-redis', 'gcr.io/google_samples/gb-frontend:v3')],
    });
    c.startPod({
      name: 'label-pod-a',
      ip: '10.244.1.6',
      containers: [container('c', 'dbgurum/k8s-lab:initial')],
    });
    expect((await c.get('10.244.1.5', 80)).startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect((await c.get('10.244.1.6', 7777)).split('\r\n\r\n')[1]).toContain('Hostname: label-pod-a\n');
  });
});

describe('shell images and argv rules', () => {
  it('runs the docs liveness-exec script on busybox and exits with its status', async () => {
    const c = testCluster();
    const started = c.startPod({
      name: 'liveness-exec',
      ip: '10.244.1.5',
      containers: [
        container('liveness', 'registry.k8s.io/busybox', {
          args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
        }),
      ],
    });
    await c.settle();
    const probe = () =>
      c.runtime.exec({ namespace: 'default', pod: 'liveness-exec', command: ['cat', '/tmp/healthy'] });
    expect((await probe()).exitCode).toBe(0);
    c.clock.step(30_000);
    await c.settle();
    expect(await probe()).toMatchObject({
      exitCode: 1,
      stderr: "cat: can't open '/tmp/healthy': No such file or directory\n",
    });
    c.clock.step(600_000);
    await c.settle();
    expect(started.exits).toEqual([['liveness', 0, 'Completed']]);
  });

  it('streams a script to the log (the docs counter pod) and ignores SIGTERM as PID 1', async () => {
    const c = testCluster();
    const started = c.startPod({
      name: 'counter',
      ip: '10.244.1.5',
      containers: [
        container('count', 'busybox:1.28', {
          args: ['/bin/sh', '-c', 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'],
        }),
      ],
    });
    await c.settle();
    c.clock.step(1000);
    await c.settle();
    expect(c.logs.read('default/counter/count')).toBe(
      '0: Fri Jan  2 03:04:05 UTC 2026\n1: Fri Jan  2 03:04:06 UTC 2026\n',
    );
    started.containers[0]?.terminate(30_000);
    await c.settle();
    expect(started.exits).toEqual([]);
    c.clock.step(30_000);
    await c.settle();
    expect(started.exits).toEqual([['count', 137, 'Error']]);
  });

  it('an executable the image lacks fails as runc reports it (exit 128)', async () => {
    const c = testCluster();
    const started = c.startPod({
      name: 'x',
      ip: '10.244.1.5',
      containers: [container('c', 'traefik/whoami', { command: ['sh', '-c', 'echo hi'] })],
    });
    await c.settle();
    expect(started.exits).toEqual([['c', 128, 'Error']]);
    expect(c.logs.read('default/x/c')).toContain('exec: "sh": executable file not found in $PATH: unknown');
  });
});
