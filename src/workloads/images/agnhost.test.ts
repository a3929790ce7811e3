import { describe, expect, it } from 'vitest';
import { container, testCluster } from '../testing/cluster.js';
import { normaliseDate } from '../testing/fake-context.js';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.39';

function netexec(args: string[] = ['netexec', '--http-port=8080']) {
  const c = testCluster();
  const started = c.startPod({
    name: 'netexec-0',
    ip: '10.244.1.5',
    containers: [container('agnhost', AGNHOST, { args })],
  });
  return { ...c, started };
}

const ok = (body: string, type = 'text/plain; charset=utf-8') =>
  `HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${type}\r\n\r\n${body}`;

describe('agnhost netexec', () => {
  it.each([
    { path: '/hostname', want: ok('netexec-0') },
    { path: '/hostName', want: ok('netexec-0') },
    { path: '/clientip', want: ok('10.244.0.7:') },
    { path: '/echo?msg=hello', want: ok('hello') },
    {
      path: '/echo?msg=gone&code=410',
      want: 'HTTP/1.1 410 Gone\r\nDate: <date>\r\nContent-Length: 4\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ngone',
    },
    { path: '/echo?msg=x&code=abc', want: ok(`argument 'code' must be an integer or empty, got "abc"\n`) },
    { path: '/header?key=user-agent', want: ok('curl/8.5.0') },
    { path: '/header', want: ok('{"Accept":["*/*"],"User-Agent":["curl/8.5.0"]}') },
    { path: '/healthz', want: 'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n' },
    { path: '/readyz', want: ok('ok') },
    {
      path: '/redirect?location=/echo%3Fmsg=foobar&code=307',
      want:
        'HTTP/1.1 307 Temporary Redirect\r\nContent-Type: text/html; charset=utf-8\r\nLocation: /echo?msg=foobar\r\nDate: <date>\r\nContent-Length: 52\r\n\r\n' +
        '<a href="/echo?msg=foobar">Temporary Redirect</a>.\n\n',
    },
    {
      path: '/dial?host=10.244.1.5&port=8080',
      want: 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: <date>\r\nContent-Length: 39\r\n\r\nrequest parameter not specified. <nil>\n',
    },
  ])('$path', async ({ path, want }) => {
    const c = netexec();
    const raw = normaliseDate(await c.get('10.244.1.5', 8080, path));
    if (path === '/clientip') expect(raw).toMatch(/\r\n\r\n10\.244\.0\.7:\d+$/);
    else expect(raw).toBe(want);
  });

  it('/ answers NOW: with Go time.Now().String() including the monotonic reading', async () => {
    const c = netexec();
    c.clock.step(12_345);
    const body = (await c.get('10.244.1.5', 8080, '/foo')).split('\r\n\r\n')[1];
    expect(body).toBe('NOW: 2026-01-02 03:04:17.345 +0000 UTC m=+12.345000000');
  });

  it('/dial reaches other pods over the pod network, and reports Go client errors', async () => {
    const c = netexec();
    c.startPod({
      name: 'target-0',
      ip: '10.244.2.7',
      containers: [container('agnhost', AGNHOST, { args: ['netexec'] })],
    });
    const dial = (q: string) => c.get('10.244.1.5', 8080, `/dial?${q}`).then((r) => r.split('\r\n\r\n')[1]);
    expect(await dial('request=hostname&protocol=http&host=10.244.2.7&port=8080&tries=2')).toBe(
      '{"responses":["target-0","target-0"]}',
    );
    expect(await dial('request=hostname&protocol=udp&host=10.244.2.7&port=8081&tries=1')).toBe(
      '{"responses":["target-0"]}',
    );
    expect(await dial('request=hostname&protocol=http&host=10.244.2.7&port=9999&tries=1')).toBe(
      '{"errors":["Get \\"http://10.244.2.7:9999/hostname\\": dial tcp 10.244.2.7:9999: connect: connection refused"]}',
    );
    expect(await dial('request=hostname&host=10.244.2.7&port=8080&tries=x')).toBe(
      'tries parameter is invalid. strconv.Atoi: parsing "x": invalid syntax\n',
    );
    expect(await dial('request=hostname&protocol=ftp&host=10.244.2.7&port=8080')).toBe(
      'unsupported protocol. ftp\n',
    );
  });

  it('/shell answers from the safe command set only', async () => {
    const c = netexec();
    const shell = (cmd: string) =>
      c.get('10.244.1.5', 8080, `/shell?cmd=${encodeURIComponent(cmd)}`).then((r) => r.split('\r\n\r\n')[1]);
    expect(await shell('hostname')).toBe('{"output":"netexec-0\\n"}');
    expect(await shell('ls /uploads; reboot')).toBe(
      '{"error":"exit status 127","output":"/bin/sh: reboot: not found\\n"}',
    );
    expect(await shell('cat /etc/resolv.conf')).toBe(
      '{"output":"search default.svc.cluster.local svc.cluster.local cluster.local\\nnameserver 10.96.0.10\\noptions ndots:5\\n"}',
    );
  });

  it('UDP commands are trimmed and lower-cased; unknown commands get no reply', async () => {
    const c = netexec();
    const udp = (text: string) =>
      c.client.udpRequest('10.244.1.5', 8081, Buffer.from(text), 100).then((b) => b?.toString());
    expect(await udp('HOSTNAME\n')).toBe('netexec-0');
    expect(await udp('echo Hello World')).toBe('hello world');
    expect(await udp('clientip')).toMatch(/^10\.244\.0\.7:\d+$/);
    expect(await udp('nope')).toBeUndefined();
    expect(c.logs.read('default/netexec-0/agnhost')).toContain(
      'Unknown UDP command received from 10.244.0.7:',
    );
  });

  it('/healthz stays 412 with --udp-port=-1 (QUIRK)', async () => {
    const c = netexec(['netexec', '--udp-port=-1']);
    expect(normaliseDate(await c.get('10.244.1.5', 8080, '/healthz'))).toBe(
      'HTTP/1.1 412 Precondition Failed\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('SIGTERM with --delay-shutdown: readyz 503 while still serving, then exit 0', async () => {
    const c = netexec(['netexec', '--delay-shutdown=5']);
    c.started.containers[0]?.terminate(30_000);
    const raw = normaliseDate(await c.get('10.244.1.5', 8080, '/readyz'));
    expect(raw).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nshutting down',
    );
    c.clock.step(5_000);
    await c.settle();
    expect(c.started.exits).toEqual([['agnhost', 0, 'Completed']]);
  });

  it('/exit?code=3 ends the process with that code; /shutdown with 0', async () => {
    const c = netexec();
    await expect(c.get('10.244.1.5', 8080, '/exit?code=3')).rejects.toThrow();
    await c.settle();
    expect(c.started.exits).toEqual([['agnhost', 3, 'Error']]);
    const d = netexec();
    await expect(d.get('10.244.1.5', 8080, '/shutdown')).rejects.toThrow();
    await d.settle();
    expect(d.started.exits).toEqual([['agnhost', 0, 'Completed']]);
  });

  it('logs as netexec does', async () => {
    const c = netexec();
    await c.get('10.244.1.5', 8080, '/hostname');
    expect(c.logs.read('default/netexec-0/agnhost')).toBe(
      '2026/01/02 03:04:05 Started HTTP server on port 8080\n2026/01/02 03:04:05 Started UDP server on port  8081\n' +
        '2026/01/02 03:04:05 GET /hostname\n2026/01/02 03:04:05 hostname: netexec-0\n',
    );
  });
});

describe('agnhost command line', () => {
  it.each([
    { args: ['netexec', '--bogus'], code: 1, log: 'Error: unknown flag: --bogus' },
    {
      args: ['netexec', '--http-port=abc'],
      code: 1,
      log: 'Error: invalid argument "abc" for "--http-port" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    },
    { args: ['netexec', 'extra'], code: 1, log: 'Error: accepts at most 0 arg(s), received 1' },
    {
      args: ['netexc'],
      code: 1,
      log: 'Error: unknown command "netexc" for "app"\n\nDid you mean this?\n\tnetexec\n',
    },
    {
      args: ['serve-hostname', '--tcp'],
      code: 1,
      log: "2026/01/02 03:04:05 Can't server TCP/UDP mode and HTTP mode at the same time",
    },
  ])('$args', async ({ args, code, log }) => {
    const c = testCluster();
    const started = c.startPod({
      name: 'p',
      ip: '10.244.1.9',
      containers: [container('agnhost', AGNHOST, { args })],
    });
    await c.settle();
    expect(started.exits).toEqual([['agnhost', code, 'Error']]);
    expect(c.logs.read('default/p/agnhost')).toBe(`${log}\n`);
  });
});

describe('agnhost serve-hostname, porter, http-echo, liveness', () => {
  it('serve-hostname answers the pod name on any path (kind guides: --http=true --port=8080)', async () => {
    const c = testCluster();
    c.startPod({
      name: 'foo-app',
      ip: '10.244.1.9',
      containers: [container('c', AGNHOST, { args: ['serve-hostname', '--http=true', '--port=8080'] })],
    });
    expect(normaliseDate(await c.get('10.244.1.9', 8080, '/any/path'))).toBe(ok('foo-app'));
    expect(c.logs.read('default/foo-app/c')).toMatch(
      /Serving on port 8080\.\n.* HTTP request from 10\.244\.0\.7:\d+\n$/,
    );
  });

  it('serve-hostname --close adds Connection: close; raw TCP mode writes the hostname', async () => {
    const c = testCluster();
    c.startPod({
      name: 'h',
      ip: '10.244.1.9',
      containers: [container('c', AGNHOST, { args: ['serve-hostname', '--close'] })],
    });
    expect(normaliseDate(await c.get('10.244.1.9', 9376))).toBe(
      'HTTP/1.1 200 OK\r\nConnection: close\r\nDate: <date>\r\nContent-Length: 1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nh',
    );
    c.startPod({
      name: 't',
      ip: '10.244.1.10',
      containers: [container('c', AGNHOST, { args: ['serve-hostname', '--http=false', '--tcp', '--udp'] })],
    });
    const socket = await c.connect('10.244.1.10', 9376);
    const text = await new Promise<string>((resolve) => {
      let s = '';
      socket.on('data', (d: Buffer) => (s += d));
      socket.on('end', () => resolve(s));
    });
    expect(text).toBe('t');
    expect((await c.client.udpRequest('10.244.1.10', 9376, Buffer.from('x'), 100))?.toString()).toBe('t');
  });

  it('porter serves SERVE_PORT_n values', async () => {
    const c = testCluster();
    c.startPod({
      name: 'porter',
      ip: '10.244.1.9',
      containers: [
        container('c', AGNHOST, {
          args: ['porter', '--json-response'],
          env: [{ name: 'SERVE_PORT_9001', value: 'foo' }],
        }),
      ],
    });
    expect(normaliseDate(await c.get('10.244.1.9', 9001))).toBe(
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: <date>\r\nContent-Length: 29\r\n\r\n{"Method":"GET","Body":"foo"}',
    );
  });

  it('http-echo answers the request as indented JSON', async () => {
    const c = testCluster();
    c.startPod({
      name: 'echo',
      ip: '10.244.1.9',
      containers: [
        container('c', AGNHOST, {
          args: ['http-echo'],
          env: [
            { name: 'NAMESPACE', value: 'gw' },
            { name: 'POD_NAME', value: 'echo' },
          ],
        }),
      ],
    });
    const body = (await c.get('10.244.1.9', 8080, '/a?b=1')).split('\r\n\r\n')[1];
    expect(body).toBe(
      '{\n "path": "/a?b=1",\n "host": "10.244.1.9:8080",\n "method": "GET",\n "proto": "HTTP/1.1",\n "headers": {\n  "Accept": [\n   "*/*"\n  ],\n' +
        '  "User-Agent": [\n   "curl/8.5.0"\n  ]\n },\n "httpPort": "8080",\n "namespace": "gw",\n "pod": "echo"\n}',
    );
  });

  it('liveness is healthy for 10 s, then answers 500', async () => {
    const c = testCluster();
    c.startPod({
      name: 'live',
      ip: '10.244.1.9',
      containers: [container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.40', { args: ['liveness'] })],
    });
    expect((await c.get('10.244.1.9', 8080, '/healthz')).split('\r\n\r\n')[1]).toBe('ok');
    c.clock.step(11_500);
    const raw = await c.get('10.244.1.9', 8080, '/healthz');
    expect(raw.startsWith('HTTP/1.1 500 Internal Server Error')).toBe(true);
    expect(raw.split('\r\n\r\n')[1]).toBe('error: 11.5');
  });
});

describe('agnhost netexec /upload', () => {
  it('stores a multipart file under /uploads in the container filesystem', async () => {
    const c = netexec();
    const body =
      '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--XX--\r\n';
    const res = await c.request(
      '10.244.1.5',
      8080,
      `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(res.status).toBe(201);
    const name = JSON.parse(res.body.toString()).output as string;
    expect(name).toMatch(/^\/uploads\/upload\d+$/);
    const cat = await c.runtime.exec({ namespace: 'default', pod: 'netexec-0', command: ['cat', name] });
    expect(cat.stdout).toBe('hello');
  });
});
