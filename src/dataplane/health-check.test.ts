import { createServer } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHealthCheck } from './health-check.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
let count = 1;
const server = createServer((req, res) =>
  serveHealthCheck(req, res, { namespace: 'default', name: 'web', servicePorts: [] }, count, NOW),
);

beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Sends `request` on a fresh connection and resolves with what came back before `until` matched. */
function raw(request: string, until: RegExp): Promise<string> {
  const port = (server.address() as { port: number }).port;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (until.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

describe('healthCheckNodePort answers', () => {
  it("are framed as kube-proxy's Go server frames them: sorted headers, Date, Content-Length, no keep-alive lines", async () => {
    const body =
      '{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}';
    count = 1;
    expect(await raw('GET / HTTP/1.1\r\nHost: n\r\n\r\n', /serviceProxyHealthy": true\n}$/)).toBe(
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n' +
        `X-Load-Balancing-Endpoint-Weight: 1\r\nDate: Sun, 22 Nov 2026 12:00:00 GMT\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    count = 0;
    expect(await raw('GET / HTTP/1.1\r\nHost: n\r\n\r\n', /}$/)).toMatch(
      /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*X-Load-Balancing-Endpoint-Weight: 0\r\n[\s\S]*"localEndpoints": 0,/,
    );
  });
});
