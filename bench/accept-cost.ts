/**
 * The emulator's own CPU cost per new connection (issue 4 (b)), without wrk,
 * the kernel's TCP work or the machine's load in the figure: part of
 * `bench/dataplane.ts`.
 *
 * Connections are in-memory socket pairs (`natSocketPair`), each carrying one
 * `GET /bench` with `Connection: close`. "direct" hands the server end straight
 * to the pod (`PodSandbox.deliver`, what the plain-socket baseline does);
 * "NodePort" hands it to `ConnectionExecutor.acceptHost` with the NodePort's
 * listen key, exactly as an accepted laptop socket is (plan, commit, conntrack,
 * delivery, close, flow record). Batches alternate between the two; the
 * difference of the median CPU time per connection is the accept path's cost.
 * Run with the flow log on and off.
 */
import type { ConnectionExecutor } from '../src/dataplane/connections.js';
import type { ListenKey } from '../src/dataplane/listeners.js';
import { natSocketPair } from '../src/dataplane/mem-socket.js';
import type { FlowLog } from '../src/trace/index.js';
import type { PodSandbox } from '../src/workloads/sandbox.js';
import { median } from './lib.js';

export interface AcceptCost {
  readonly flows: boolean;
  /** Median CPU µs per connection handed straight to the pod. */
  readonly directUs: number;
  /** Median CPU µs per connection through acceptHost. */
  readonly nodePortUs: number;
}

const REQUEST = Buffer.from('GET /bench HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n');

async function batch(
  n: number,
  hand: (server: ReturnType<typeof natSocketPair>['server']) => void,
  key: ListenKey,
): Promise<number> {
  const cpu0 = process.cpuUsage();
  let closed = 0;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < n; i++) {
      const tuple = {
        src: { ip: '127.0.0.1', port: 40000 + (i % 20000) },
        dst: { ip: key.address, port: key.port },
      };
      const { client, server } = natSocketPair(tuple, tuple);
      // An accepted net.Socket has resetAndDestroy; the in-memory end only needs it for refusals.
      Object.assign(server, { resetAndDestroy: () => server.destroy() });
      hand(server);
      client.on('data', () => {});
      client.on('end', () => client.destroy());
      client.on('close', () => {
        if (++closed === n) resolve();
      });
      client.write(REQUEST);
    }
  });
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

/** Alternating batches of `perBatch` connections, `rounds` per side after a warm-up; flows on, then off. */
export async function acceptCost(options: {
  executor: ConnectionExecutor;
  sandbox: PodSandbox;
  podIP: string;
  key: ListenKey;
  entryNode: string;
  flows: FlowLog;
  rounds: number;
  perBatch: number;
}): Promise<AcceptCost[]> {
  const { executor, sandbox, podIP, key, entryNode } = options;
  const direct = (server: ReturnType<typeof natSocketPair>['server']) => {
    sandbox.deliver({
      socket: server,
      tuple: { protocol: 'TCP', srcIP: '127.0.0.1', srcPort: 1, dstIP: podIP, dstPort: 80 },
    });
  };
  const nodePort = (server: ReturnType<typeof natSocketPair>['server']) => {
    executor.acceptHost(server as never, key, entryNode);
  };
  const out: AcceptCost[] = [];
  for (const flows of [true, false]) {
    options.flows.setEnabled(flows);
    for (let i = 0; i < 2; i++) {
      await batch(options.perBatch, direct, key);
      await batch(options.perBatch, nodePort, key);
    }
    const d: number[] = [];
    const np: number[] = [];
    for (let i = 0; i < options.rounds; i++) {
      d.push(await batch(options.perBatch, direct, key));
      np.push(await batch(options.perBatch, nodePort, key));
    }
    out.push({ flows, directUs: median(d), nodePortUs: median(np) });
  }
  options.flows.setEnabled(true);
  return out;
}

/** The result as a Markdown table. */
export function acceptTable(rows: readonly AcceptCost[]): string {
  return [
    '| flow log | CPU µs/connection, handed to the pod directly | through acceptHost (NodePort) | accept path cost |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.flows ? 'on' : 'off'} | ${r.directUs.toFixed(1)} | ${r.nodePortUs.toFixed(1)} | **${(r.nodePortUs - r.directUs).toFixed(1)}** |`,
    ),
  ].join('\n');
}
