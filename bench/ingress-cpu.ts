/**
 * The emulator's own CPU per keep-alive request through the ingress (issue 6),
 * without wrk, the kernel's TCP work or other processes in the figure: what
 * `ingress.ts` measures, minus the client sockets. Used to judge changes to the
 * controller and the pods on a shared, noisy machine, where the wrk rates vary
 * by 2× between runs.
 *
 * 50 client connections are in-memory socket pairs (`natSocketPair`) handed to
 * the controller's port 80 (`ingress`) or to the echo pod's port 8080
 * (`direct`); each sends `GET /` with Host and User-Agent, waits for the whole
 * response, then sends the next, each write in its own macrotask as a socket
 * read would be. A connection the controller closes (`keepalive_requests`) is
 * replaced. After a warm-up batch, `--rounds` batches of `--requests`; the
 * process CPU time (user + system) per request of each batch is printed, then
 * the median and the minimum (the least disturbed by other processes).
 *
 *   npm run bench -- ingress-cpu [--target ingress|direct] [--requests 60000] [--rounds 5]
 */
import type { Duplex } from 'node:stream';
import { natSocketPair } from '../src/dataplane/mem-socket.js';
import type { App } from '../src/workloads/types.js';
import { CONTROLLER_IP, startIngressWorld } from './ingress-world.js';
import { onHttpResponses } from './lib.js';

const CONNECTIONS = 50;
const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: bench.example.com\r\nUser-Agent: wrk\r\n\r\n', 'latin1');

function option(flag: string, def: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}

/** Drives keep-alive clients against one app until a batch of responses has come back. */
class Clients {
  readonly #app: App;
  readonly #port: number;
  readonly #idle: Duplex[] = [];
  #nextPort = 50000;
  #remaining = 0;
  #inflight = 0;
  #done: (() => void) | undefined;

  constructor(app: App, port: number) {
    this.#app = app;
    this.#port = port;
    for (let i = 0; i < CONNECTIONS; i++) this.#idle.push(this.#open());
  }

  /** Sends `n` requests (at least one per connection) and resolves when all are answered. */
  batch(n: number): Promise<void> {
    return new Promise((resolve) => {
      this.#done = resolve;
      const clients = this.#idle.splice(0);
      this.#remaining = n - clients.length;
      for (const c of clients) this.#send(c);
    });
  }

  #send(client: Duplex): void {
    setImmediate(() => {
      this.#inflight++;
      client.write(REQUEST);
    });
  }

  #open(): Duplex {
    const srcPort = this.#nextPort++;
    const tuple = { src: { ip: '10.0.0.1', port: srcPort }, dst: { ip: CONTROLLER_IP, port: this.#port } };
    const { client, server } = natSocketPair(tuple, tuple);
    onHttpResponses(client, (closing) => this.#answered(closing ? this.#replace(client) : client));
    this.#app.handleConnection({
      socket: server,
      tuple: { protocol: 'TCP', srcIP: '10.0.0.1', srcPort, dstIP: CONTROLLER_IP, dstPort: this.#port },
    });
    return client;
  }

  #replace(client: Duplex): Duplex {
    client.destroy();
    return this.#open();
  }

  #answered(client: Duplex): void {
    this.#inflight--;
    if (this.#remaining > 0) {
      this.#remaining--;
      this.#send(client);
      return;
    }
    this.#idle.push(client);
    if (this.#inflight === 0) this.#done?.();
  }
}

async function main(): Promise<void> {
  const target = option('--target', 'ingress');
  const requests = Number(option('--requests', '60000'));
  const rounds = Number(option('--rounds', '5'));
  const { echo, controller } = startIngressWorld();
  const clients = target === 'direct' ? new Clients(echo, 8080) : new Clients(controller, 80);
  await clients.batch(requests);
  const perRequest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    await clients.batch(requests);
    const cpu = process.cpuUsage(before);
    perRequest.push((cpu.user + cpu.system) / requests);
  }
  const sorted = [...perRequest].sort((a, b) => a - b);
  console.log(`${target}: CPU per request (µs) ${perRequest.map((x) => x.toFixed(1)).join(', ')}`);
  console.log(
    `${target}: median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} µs, min ${sorted[0]?.toFixed(1)} µs`,
  );
  process.exit(0);
}

await main();
