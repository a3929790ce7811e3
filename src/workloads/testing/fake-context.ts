/**
 * Test doubles for simulated apps: an `AppContext` with a `FakeClock`, captured
 * log lines and exit codes, and `exchange()`, which sends raw request bytes over
 * an in-memory connection and returns the raw response bytes.
 */
import type { ContainerPort } from '../../api/types.js';
import { FakeClock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import { readHttpResponse } from '../http/client.js';
import type { App, AppContext, PodNetwork, VirtualTuple } from '../types.js';
import { socketPair } from './socket-pair.js';

export interface FakeContextOptions {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly ports?: readonly ContainerPort[];
  readonly podName?: string;
  readonly namespace?: string;
  readonly podIP?: string;
  readonly nodeName?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly clock?: FakeClock;
  readonly network?: PodNetwork;
}

export interface FakeContext {
  readonly ctx: AppContext;
  readonly clock: FakeClock;
  readonly logs: string[];
  readonly exits: number[];
}

/** A network that refuses everything (tests that dial use `FakePodNetwork`). */
export const UNREACHABLE_NETWORK: PodNetwork = {
  connect: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
  udpRequest: () => Promise.resolve(undefined),
  resolve: () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' })),
};

/** Builds a context for one container of a pod named `web-0` at 10.244.1.5 by default. */
export function fakeAppContext(options: FakeContextOptions = {}): FakeContext {
  const clock = options.clock ?? new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));
  const logs: string[] = [];
  const exits: number[] = [];
  const podName = options.podName ?? 'web-0';
  const ctx: AppContext = {
    pod: {
      name: podName,
      namespace: options.namespace ?? 'default',
      uid: '00000000-0000-0000-0000-000000000001',
      ip: options.podIP ?? '10.244.1.5',
      nodeName: options.nodeName ?? 'worker-1',
      hostname: podName,
      labels: {},
      annotations: options.annotations ?? {},
    },
    container: {
      name: 'app',
      image: options.image ?? 'example',
      command: options.command ?? [],
      args: options.args ?? [],
      env: options.env ?? {},
      ports: options.ports ?? [],
    },
    clock,
    random: seededRandom(1),
    network: options.network ?? UNREACHABLE_NETWORK,
    log: (line) => logs.push(line),
    exit: (code) => exits.push(code),
  };
  return { ctx, clock, logs, exits };
}

/** The tuple of a client at 10.244.0.7:41234 talking to the pod's port. */
export function clientTuple(dstPort: number, overrides: Partial<VirtualTuple> = {}): VirtualTuple {
  return { protocol: 'TCP', srcIP: '10.244.0.7', srcPort: 41234, dstIP: '10.244.1.5', dstPort, ...overrides };
}

/**
 * Writes `request` to a fresh connection to `app` and resolves with the raw
 * response bytes (one response; the connection is then closed).
 */
export async function exchange(
  app: App,
  request: string | Buffer,
  options: { readonly port?: number; readonly tuple?: VirtualTuple; readonly method?: string } = {},
): Promise<string> {
  const { client, server } = socketPair();
  app.handleConnection({ socket: server, tuple: options.tuple ?? clientTuple(options.port ?? 80) });
  client.write(request);
  const method = options.method ?? (typeof request === 'string' ? request.split(' ')[0] : 'GET') ?? 'GET';
  try {
    const res = await readHttpResponse(client, { method });
    return res.raw.toString('latin1');
  } finally {
    client.destroy();
  }
}

/** Replaces the RFC 1123 date in `Date:` headers with a fixed token. */
export function normaliseDate(raw: string): string {
  return raw.replace(/^Date: .*$/gm, 'Date: <date>');
}
