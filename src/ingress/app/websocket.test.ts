import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { IngressHarness } from '../testing/harness.js';
import { rawExchange } from '../testing/raw-client.js';

let h: IngressHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<IngressHarness> {
  const ingresses = [ingress('chat', { rules: [rule('chat.example.com', ['/ws', 'Prefix', 'chat'])] })];
  const w = backendWorld(ingresses);
  h = await IngressHarness.start({
    snapshot: {
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    },
    pods: w.pods,
  });
  return h;
}

describe('WebSocket passthrough', () => {
  it('upgrades through the controller and relays messages both ways', async () => {
    const h = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${h.httpPort}/ws/room`, {
      headers: { host: 'chat.example.com' },
    });
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send('hello'));
      ws.on('message', (m) => {
        replies.push(String(m));
        if (replies.length === 1) ws.send('again');
        else ws.close();
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    expect(replies).toEqual(['chat-0: hello', 'chat-0: again']);
    const pod = h.pods.get('10.244.10.2:8080');
    expect(pod?.received).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.accessLog().at(-1)).toMatch(
      /"GET \/ws\/room HTTP\/1\.1" 101 \d+ .* \[default-chat-80\] \[\] 10\.244\.10\.2:8080 /,
    );
    // $request_length counts the request head nginx read.
    const length = Number(/ 101 \d+ "-" "-" (\d+) /.exec(h.accessLog().at(-1) ?? '')?.[1]);
    expect(length).toBeGreaterThan(150);
  });

  it('an upgrade to a path without a backend gets the 404 page', async () => {
    const h = await start();
    const raw = await rawExchange(
      h.httpPort,
      'GET /nope HTTP/1.1\r\nHost: chat.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });
});
