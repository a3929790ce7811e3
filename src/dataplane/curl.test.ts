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
