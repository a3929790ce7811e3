/**
 * What recording flows costs per request (issue 7: "under 5% of the NodePort
 * request rate"), without wrk, the kernel's TCP work or other processes in the
 * figure: the in-process counterpart of `flows-on-off.ts`, whose wrk rates move
 * more between runs than the effect being measured.
 *
 * 50 in-memory connections (`natSocketPair`) are handed to
 * `ConnectionExecutor.acceptHost` with the NodePort's listen key, exactly as
 * accepted laptop sockets are (plan, conntrack, delivery to the pod, and with
 * flows on an L3/L4 record per connection and an L7 record per request). Each
 * sends `GET /bench` keep-alive requests one after another, each write in its
 * own macrotask as a socket read would be. Batches with the flow log on and off
 * alternate; the process CPU time per request of each batch is kept, and the
 * medians compared. In CPU-bound operation the rate is the inverse of the CPU
 * per request, so the CPU ratio is the rate ratio the target speaks of.
 * A second mode opens a new connection per request (`Connection: close`).
 */
import type { ConnectionExecutor } from '../src/dataplane/connections.js';
import type { ListenKey } from '../src/dataplane/listeners.js';
import { natSocketPair } from '../src/dataplane/mem-socket.js';
import type { FlowLog } from '../src/trace/index.js';
import { median, onHttpResponses } from './lib.js';

const KEEP_ALIVE = Buffer.from('GET /bench HTTP/1.1\r\nHost: bench\r\n\r\n', 'latin1');
const CLOSE = Buffer.from('GET /bench HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n', 'latin1');
const CONNECTIONS = 50;

export interface FlowsCpuMode {
  readonly label: string;
  /** CPU µs per request of each batch, flow log on and off. */
  readonly on: number[];
  readonly off: number[];
}

interface Target {
  readonly executor: ConnectionExecutor;
  readonly key: ListenKey;
  readonly entryNode: string;
}

let nextPort = 20000;

/** Opens one in-memory connection through the NodePort; `onResponse` runs per whole response. */
function open(target: Target, onResponse: () => void): (request: Buffer) => void {
  const port = nextPort++;
  if (nextPort > 60000) nextPort = 20000;
  const tuple = { src: { ip: '127.0.0.1', port }, dst: { ip: target.key.address, port: target.key.port } };
  const { client, server } = natSocketPair(tuple, tuple);
  Object.assign(server, { resetAndDestroy: () => server.destroy() });
  target.executor.acceptHost(server as never, target.key, target.entryNode);
  onHttpResponses(client, onResponse);
  client.on('end', () => client.destroy());
  return (request) => setImmediate(() => client.write(request));
}

/** `n` keep-alive requests over CONNECTIONS connections; CPU µs per request. */
function keepAliveBatch(target: Target, n: number): Promise<number> {
  return new Promise((resolve) => {
    const cpu0 = process.cpuUsage();
    let sent = 0;
    let answered = 0;
    const senders: ((request: Buffer) => void)[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const index = i;
      senders.push(
        open(target, () => {
          if (++answered === n) {
            const cpu = process.cpuUsage(cpu0);
            resolve((cpu.user + cpu.system) / n);
          } else if (sent < n) {
            sent++;
            senders[index]?.(KEEP_ALIVE);
          }
        }),
      );
    }
    for (const send of senders) {
      sent++;
      send(KEEP_ALIVE);
    }
  });
}

/** `n` requests, each on its own connection, CONNECTIONS at a time; CPU µs per request. */
function closeBatch(target: Target, n: number): Promise<number> {
  return new Promise((resolve) => {
    const cpu0 = process.cpuUsage();
    let started = 0;
    let answered = 0;
    const next = () => {
      started++;
      open(target, () => {
        if (++answered === n) {
          const cpu = process.cpuUsage(cpu0);
          resolve((cpu.user + cpu.system) / n);
        } else if (started < n) next();
      })(CLOSE);
    };
    for (let i = 0; i < CONNECTIONS; i++) next();
  });
}

/** Alternating batches, flow log on and off, after a warm-up pair; both modes. */
export async function flowsCpu(options: {
  executor: ConnectionExecutor;
  key: ListenKey;
  entryNode: string;
  flows: FlowLog;
  rounds: number;
  requests: number;
}): Promise<FlowsCpuMode[]> {
  const target: Target = options;
  const modes = [
    { label: 'keep-alive, 50 connections', run: keepAliveBatch, n: options.requests },
    {
      label: 'new connection per request, 50 at a time',
      run: closeBatch,
      n: Math.ceil(options.requests / 5),
    },
  ];
  const out: FlowsCpuMode[] = [];
  for (const mode of modes) {
    const on: number[] = [];
    const off: number[] = [];
    for (const side of [true, false]) {
      options.flows.setEnabled(side);
      await mode.run(target, mode.n);
    }
    for (let i = 0; i < options.rounds; i++) {
      for (const side of i % 2 === 0 ? [true, false] : [false, true]) {
        options.flows.setEnabled(side);
        (side ? on : off).push(await mode.run(target, mode.n));
      }
    }
    out.push({ label: mode.label, on, off });
  }
  options.flows.setEnabled(true);
  return out;
}

/** The comparison as a Markdown table, for docs/benchmarks.md. */
export function flowsCpuTable(modes: readonly FlowsCpuMode[]): string {
  return [
    '| NodePort, in-memory connections | CPU µs/req off | CPU µs/req on | on/off | every batch off; on |',
    '|---|---|---|---|---|',
    ...modes.map((m) => {
      const off = median(m.off);
      const on = median(m.on);
      const list = (xs: readonly number[]) => xs.map((x) => x.toFixed(1)).join(', ');
      return `| ${m.label} | ${off.toFixed(1)} | ${on.toFixed(1)} | ${(on / off).toFixed(3)}× | ${list(m.off)}; ${list(m.on)} |`;
    }),
  ].join('\n');
}
