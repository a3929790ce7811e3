import { describe, expect, it } from 'vitest';
import { container, testCluster } from '../testing/cluster.js';
import { normaliseDate } from '../testing/fake-context.js';
import { normaliseUri } from './nginx-files.js';
import { nginx50xHtml, nginxErrorPage, nginxIndexHtml } from './nginx-pages.js';

function nginx(image = 'nginx:1.25.3', extra: Parameters<typeof container>[2] = {}) {
  const c = testCluster();
  const started = c.startPod({
    name: 'web',
    ip: '10.244.1.5',
    containers: [container('nginx', image, { ports: [{ containerPort: 80 }], ...extra })],
  });
  return { ...c, started };
}

describe('nginx', () => {
  it('default pages have the package sizes (612 before 1.21.2, 615 after)', () => {
    expect(nginxIndexHtml([1, 14, 2]).length).toBe(612);
    expect(nginxIndexHtml([1, 25, 3]).length).toBe(615);
    expect(nginx50xHtml([1, 14, 2]).length).toBe(537);
    expect(nginx50xHtml([1, 25, 3]).length).toBe(497);
    expect(nginxErrorPage(404, 'nginx/1.25.3', false).length).toBe(153);
  });

  it.each([
    {
      image: 'nginx:1.25.3',
      server: 'nginx/1.25.3',
      len: 615,
      lm: 'Tue, 24 Oct 2023 13:46:47 GMT',
      etag: '"6537cac7-267"',
    },
    {
      image: 'nginx:1.14.2',
      server: 'nginx/1.14.2',
      len: 612,
      lm: 'Tue, 04 Dec 2018 14:44:49 GMT',
      etag: '"5c0692e1-264"',
    },
    {
      image: 'docker.io/library/nginx:1.25.3-alpine',
      server: 'nginx/1.25.3',
      len: 615,
      lm: 'Tue, 24 Oct 2023 13:46:47 GMT',
      etag: '"6537cac7-267"',
    },
    {
      image: 'nginx',
      server: 'nginx/1.27.5',
      len: 615,
      lm: 'Wed, 16 Apr 2025 12:01:11 GMT',
      etag: '"67ff9c07-267"',
    },
  ])('GET / on $image answers the welcome page', async ({ image, server, len, lm, etag }) => {
    const c = nginx(image);
    const raw = normaliseDate(await c.get('10.244.1.5', 80));
    expect(raw.split('\r\n\r\n')[0]).toBe(
      `HTTP/1.1 200 OK\r\nServer: ${server}\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: ${len}\r\nLast-Modified: ${lm}\r\nConnection: keep-alive\r\nETag: ${etag}\r\nAccept-Ranges: bytes`,
    );
    expect(raw.split('\r\n\r\n')[1]).toContain('<h1>Welcome to nginx!</h1>');
  });

  it('404, 50x.html, HEAD, 405 and 304', async () => {
    const c = nginx();
    const notFound = normaliseDate(await c.get('10.244.1.5', 80, '/missing'));
    expect(notFound).toBe(
      'HTTP/1.1 404 Not Found\r\nServer: nginx/1.25.3\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: 153\r\nConnection: keep-alive\r\n\r\n' +
        '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n',
    );
    expect((await c.get('10.244.1.5', 80, '/50x.html')).split('\r\n\r\n')[1]).toBe(nginx50xHtml([1, 25, 3]));
    const head = await c.request('10.244.1.5', 80, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers.find(([k]) => k === 'Content-Length')?.[1]).toBe('615');
    const post = await c.request('10.244.1.5', 80, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
    expect(post.rawHead.split('\r\n')[0]).toBe('HTTP/1.1 405 Not Allowed');
    const cond = await c.request(
      '10.244.1.5',
      80,
      'GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: "6537cac7-267"\r\n\r\n',
    );
    expect(normaliseDate(cond.raw.toString())).toBe(
      'HTTP/1.1 304 Not Modified\r\nServer: nginx/1.25.3\r\nDate: <date>\r\nLast-Modified: Tue, 24 Oct 2023 13:46:47 GMT\r\nConnection: keep-alive\r\nETag: "6537cac7-267"\r\n\r\n',
    );
  });

  it('logs the entrypoint, notices and the main access log with the virtual client address', async () => {
    const c = nginx();
    await c.get('10.244.1.5', 80, '/missing');
    const log = c.logs.read('default/web/nginx').split('\n');
    expect(log[0]).toBe(
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    );
    expect(log).toContain('2026/01/02 03:04:05 [notice] 1#1: nginx/1.25.3');
    expect(log).toContain(
      '2026/01/02 03:04:05 [error] 29#29: *1 open() "/usr/share/nginx/html/missing" failed (2: No such file or directory), client: 10.244.0.7, server: localhost, request: "GET /missing HTTP/1.1", host: "10.244.1.5"',
    );
    expect(log).toContain(
      '10.244.0.7 - - [02/Jan/2026:03:04:05 +0000] "GET /missing HTTP/1.1" 404 153 "-" "curl/8.5.0" "-"',
    );
  });

  it('serves what exec wrote to /usr/share/nginx/html', async () => {
    const c = nginx();
    const r = await c.runtime.exec({
      namespace: 'default',
      pod: 'web',
      command: ['sh', '-c', 'echo pod-a > /usr/share/nginx/html/index.html'],
    });
    expect(r.exitCode).toBe(0);
    const raw = await c.get('10.244.1.5', 80);
    expect(raw.split('\r\n\r\n')[1]).toBe('pod-a\n');
    expect(raw).toContain('Content-Length: 6\r\n');
  });

  it('a second container binding port 80 fails as nginx does and exits 1', async () => {
    const c = testCluster();
    const started = c.startPod({
      name: 'two',
      ip: '10.244.1.6',
      containers: [container('a', 'nginx:1.25.3'), container('b', 'nginx:1.25.3')],
    });
    await c.settle();
    expect(started.exits).toEqual([['b', 1, 'Error']]);
    const log = c.logs.read('default/two/b');
    expect(log).toContain(
      '2026/01/02 03:04:05 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\n',
    );
    expect(log).toContain('nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n');
    expect(log.endsWith('nginx: [emerg] still could not bind()\n')).toBe(true);
    expect((await c.get('10.244.1.6', 80)).startsWith('HTTP/1.1 200 OK')).toBe(true);
  });

  it('SIGTERM ends nginx with exit 0', async () => {
    const c = nginx();
    c.started.containers[0]?.terminate(30_000);
    await c.settle();
    expect(c.started.exits).toEqual([['nginx', 0, 'Completed']]);
    expect(c.logs.read('default/web/nginx')).toContain(
      '[notice] 1#1: signal 15 (SIGTERM) received, exiting\n',
    );
  });

  it('answers malformed requests with its 400 page and closes', async () => {
    const c = nginx();
    const socket = await c.connect('10.244.1.5', 80);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d));
    socket.write('GARBAGE\r\n\r\n');
    await new Promise((r) => socket.on('end', r));
    expect(normaliseDate(text)).toBe(
      'HTTP/1.1 400 Bad Request\r\nServer: nginx/1.25.3\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: 157\r\nConnection: close\r\n\r\n' +
        '<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n',
    );
    expect((await c.get('10.244.1.5', 80)).startsWith('HTTP/1.1 200 OK')).toBe(true);
  });

  it.each([
    { raw: '/%zz', want: undefined },
    { raw: '/a%2', want: undefined },
    { raw: '/a%', want: undefined },
    { raw: '/%00', want: undefined },
    { raw: '/../etc/passwd', want: undefined },
    { raw: '/%2e%2e/x', want: undefined },
    { raw: '/index%2Ehtml', want: '/index.html' },
    { raw: '/a%2Fb', want: '/a/b' },
    { raw: '/%ff', want: '/\ufffd' },
    { raw: '/caf%C3%A9', want: '/café' },
    { raw: '/a/./b/../c/', want: '/a/c/' },
  ])('normaliseUri($raw) is $want (undefined: 400)', ({ raw, want }) => {
    expect(normaliseUri(raw)).toBe(want);
  });

  it('an invalid % escape is a 400 (ngx_http_parse_complex_uri), not a 404', async () => {
    const c = nginx('nginx:1.14.2');
    const raw = normaliseDate(await c.get('10.244.1.5', 80, '/%zz'));
    expect(raw).toBe(
      'HTTP/1.1 400 Bad Request\r\nServer: nginx/1.14.2\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: 157\r\nConnection: close\r\n\r\n' +
        nginxErrorPage(400, 'nginx/1.14.2', false),
    );
    expect(c.logs.read('default/web/nginx')).toContain('"GET /%zz HTTP/1.1" 400 157 "-" "curl/8.5.0" "-"\n');
    expect((await c.get('10.244.1.5', 80, '/%41')).split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
  });
});
