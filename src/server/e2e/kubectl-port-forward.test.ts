/**
 * The real kubectl v1.32 `port-forward` over SPDY/3.1 (after its WebSocket
 * attempt is declined): every local connection becomes an error stream and a
 * data stream, joined here to the pod's side (`podPortForward`, played by the
 * test: an echo server on port 80, nothing on 81), bytes intact both ways;
 * the kubelet's failure text reaches kubectl's error output.
 */
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusError } from '../../api/index.js';
import { natSocketPair } from '../../dataplane/mem-socket.js';
import type { PortForwardTarget } from '../handlers/portforward.js';
import { runningPod, seedWithStatus } from './fixtures.test-helpers.js';
import { collectOutput, type Harness, kubectlSuite, startHarness } from './harness.test-helpers.js';

const POD = 'web-7d4b9c8f6d-x2x4z';
const connects: Array<PortForwardTarget & { port: number }> = [];
let h: Harness;

/** Sends `data` through the forward on `port`, half-closes, and resolves with everything that came back. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(data));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

/** Starts `kubectl port-forward … :remote` and resolves with the local port it printed. */
async function forward(target: string, remote: number): Promise<{ child: ChildProcess; port: number }> {
  const child = h.spawnKubectl(['port-forward', target, `:${remote}`, '--address', '127.0.0.1']);
  const out = await collectOutput(child).waitFor((t) => /Forwarding from 127\.0\.0\.1:\d+/.test(t));
  const port = Number(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/.exec(out)?.[1]);
  return { child, port };
}

beforeAll(async () => {
  h = await startHarness({
    podPortForward: {
      check({ pod }) {
        if (pod !== POD) throw new StatusError('NotFound', 404, `pods "${pod}" not found`);
      },
      connect(target, port) {
        connects.push({ ...target, port });
        if (port !== 80) return `nothing listens on ${port} in ${target.pod}`;
        const ends = { src: { ip: '127.0.0.1', port: 40000 }, dst: { ip: '127.0.0.1', port } };
        const { client, server } = natSocketPair(ends, ends);
        server.on('data', (d: Buffer) => server.write(d));
        server.on('end', () => server.end());
        return client;
      },
    },
  });
  seedWithStatus(h.registry, runningPod(POD));
});

afterAll(async () => {
  await h.close();
});

kubectlSuite('kubectl port-forward over SPDY', () => {
  it('joins each local connection to the port in the pod, bytes intact both ways', async () => {
    const { child, port } = await forward(`pod/${POD}`, 80);
    try {
      expect(await roundTrip(port, Buffer.from('hello\n'))).toEqual(Buffer.from('hello\n'));
      // A second connection gets its own pair of streams on the same session.
      const big = Buffer.alloc(1 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
      expect((await roundTrip(port, big)).equals(big)).toBe(true);
      expect(connects.slice(-2)).toEqual([
        { namespace: 'default', pod: POD, port: 80 },
        { namespace: 'default', pod: POD, port: 80 },
      ]);
    } finally {
      child.kill('SIGINT');
    }
  });

  it("prints the pod side's failure as kubectl prints the kubelet's, and stops", async () => {
    const { child, port } = await forward(`pod/${POD}`, 81);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The connection is accepted locally and then closed: nothing came back.
    expect((await roundTrip(port, Buffer.from('x'))).length).toBe(0);
    expect(await exited).toBe(1);
    expect(stderr).toContain(`an error occurred forwarding ${port} -> 81: nothing listens on 81 in ${POD}`);
    expect(stderr).toContain('error: lost connection to pod');
  });

  it("an unknown pod is kubectl's own NotFound", async () => {
    const r = await h.kubectl(['port-forward', 'pod/nope', ':80']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});

/** netkube's own port-forward request: one upgraded connection per local connection. */
function rawForward(pod: string, port: string): Promise<{ status: number; body: string; socket?: Socket }> {
  return new Promise((resolve, reject) => {
    const url = new URL(h.url);
    const req = request({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: `/apis/netkube.dev/v1alpha1/namespaces/default/pods/${pod}/portforward?port=${port}`,
      headers: { Connection: 'Upgrade', Upgrade: 'netkube-tcp' },
    });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, body: '', socket }));
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('netkube port-forward (Upgrade: netkube-tcp)', () => {
  it('carries one connection to the port in the pod', async () => {
    const r = await rawForward(POD, '80');
    expect(r.status).toBe(101);
    const socket = r.socket as Socket;
    const echoed = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.length >= 5) resolve(text);
      });
    });
    socket.write('hello');
    expect(await echoed).toBe('hello');
    socket.destroy();
  });

  it('answers a Status when it cannot: 404 unknown pod, 400 bad port, 503 with the kubelet words', async () => {
    const message = (body: string) => (JSON.parse(body) as { message: string }).message;
    const unknown = await rawForward('nope', '80');
    expect([unknown.status, message(unknown.body)]).toEqual([404, 'pods "nope" not found']);
    const bad = await rawForward(POD, 'http');
    expect([bad.status, message(bad.body)]).toEqual([
      400,
      'invalid port "http": must be a number from 1 to 65535',
    ]);
    const refused = await rawForward(POD, '81');
    expect([refused.status, message(refused.body)]).toEqual([503, `nothing listens on 81 in ${POD}`]);
  });
});
