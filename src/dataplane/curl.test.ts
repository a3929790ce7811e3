import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../api/errors.js';
import type { ExtensionRequest } from '../server/extensions.js';
import { curlRoute } from './curl.js';
import type { Dataplane } from './dataplane.js';

/** The route with a dataplane it must never reach: every case here is refused before any connection. */
const route = curlRoute({
  dataplane: {} as Dataplane,
  pod: () => undefined,
});

function request(body: unknown): ExtensionRequest {
  return {
    params: {},
    query: new URLSearchParams(),
    body,
    raw: {} as IncomingMessage,
    signal: new AbortController().signal,
  };
}

async function refusal(body: unknown): Promise<StatusError> {
  const err = await Promise.resolve()
    .then(() => route.handle(request(body), {} as never))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(StatusError);
  return err as StatusError;
}

describe('POST /curl timeoutMs', () => {
  it.each([0, -5, 60_001, '2000', Number.NaN, null])('refuses %j with a 400 naming the range', async (t) => {
    const err = await refusal({ url: 'http://127.0.10.2:30080/', timeoutMs: t });
    expect([err.httpCode, err.reason]).toEqual([400, 'BadRequest']);
    expect(err.message).toBe(`invalid timeoutMs ${JSON.stringify(t)}: expected milliseconds from 1 to 60000`);
  });

  it('lets 1 to 60000 through to the request (here, to the missing pod it names)', async () => {
    for (const t of [1, 2000, 60_000]) {
      const err = await refusal({ url: 'http://10.244.1.2/', from: 'pod/nope', timeoutMs: t });
      expect(err.message).not.toContain('timeoutMs');
    }
  });
});

describe('POST /curl from the host', () => {
  const world = { inPodSubnet: () => false, inServiceSubnet: () => false };
  const hostRoute = curlRoute({ dataplane: { world } as unknown as Dataplane, pod: () => undefined });

  async function hostRefusal(url: string): Promise<StatusError> {
    const err = await Promise.resolve()
      .then(() => hostRoute.handle(request({ url }), {} as never))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }

  it('says why a non-loopback address (an unbindable externalIP) is not reachable from the laptop', async () => {
    const err = await hostRefusal('http://192.168.56.103:8001/');
    expect(err.message).toBe(
      'curl: 192.168.56.103 is not a loopback address, and netkube binds only loopback ones, so the laptop cannot reach it here: use --from pod/NAME or node/NAME, or the SOCKS gateway',
    );
  });

  it("answers a name the laptop cannot resolve in curl's words, pointing cluster names inside", async () => {
    const err = await hostRefusal('http://web.default.svc.cluster.local/');
    expect(err.message).toBe(
      'curl: (6) Could not resolve host: web.default.svc.cluster.local: a cluster name, resolved only inside the cluster: use --from pod/NAME, or the SOCKS gateway',
    );
  });
});

describe('POST /curl from a node: failures in curl 8 words', () => {
  function nodeRoute(code: string, message: string) {
    const dataplane = {
      world: { nodeAddress: () => '127.0.10.2', inPodSubnet: () => false, inServiceSubnet: () => false },
      executor: { connect: () => Promise.reject(Object.assign(new Error(message), { code })) },
    };
    return curlRoute({ dataplane: dataplane as unknown as Dataplane, pod: () => undefined });
  }

  async function message(code: string, text: string, url: string): Promise<string> {
    const err = await Promise.resolve()
      .then(() => nodeRoute(code, text).handle(request({ url, from: 'node/worker-1' }), {} as never))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(StatusError);
    return (err as StatusError).message.replace(/after \d+ ms/, 'after N ms');
  }

  it.each([
    [
      'ECONNREFUSED',
      'connect ECONNREFUSED 10.96.0.20:80',
      "curl: (7) Failed to connect to 10.96.0.20 port 80 after N ms: Couldn't connect to server",
    ],
    [
      'ETIMEDOUT',
      'connect ETIMEDOUT 10.96.0.20:80',
      'curl: (28) Failed to connect to 10.96.0.20 port 80 after N ms: Timeout was reached',
    ],
  ])('%s', async (code, text, want) => {
    expect(await message(code, text, 'http://10.96.0.20/')).toBe(want);
  });

  it('a cluster name a node cannot resolve', async () => {
    expect(
      await message(
        'ENOTFOUND',
        'getaddrinfo ENOTFOUND web.default.svc.cluster.local',
        'http://web.default.svc.cluster.local/',
      ),
    ).toBe('curl: (6) Could not resolve host: web.default.svc.cluster.local');
  });
});
