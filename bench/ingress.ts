/**
 * Ingress benchmark (issue 6, "Performance"): HTTP keep-alive request rate and
 * p99 latency, side by side in one run, of
 *
 * 1. `ingress`: a real loopback listener → the ingress-nginx controller app →
 *    the pod network (the dataplane's in-memory socket pairs, as `netkube up`
 *    connects the controller to pods) → a simulated hashicorp/http-echo pod;
 * 2. `nginx`: nginx `proxy_pass` with an upstream keepalive pool in front of
 *    the same pod served on a real listener;
 * 3. `direct`: the same pod on its real listener.
 *
 * wrk drives each point (`--connections`, `--seconds`), `--runs` times,
 * interleaved; the median run is reported. Needs /usr/bin/wrk and /usr/sbin/nginx.
 *
 *   npm run bench -- ingress [--connections 50] [--seconds 5] [--runs 5] [--only ingress|nginx|direct]
 *
 * `--serve` starts the three targets and prints their URLs instead (profiling).
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import type { App } from '../src/workloads/types.js';
import { CONTROLLER_IP, startIngressWorld } from './ingress-world.js';
import { nginxProxy } from './lib.js';

const run = promisify(execFile);

interface Options {
  readonly connections: number;
  readonly seconds: number;
  readonly runs: number;
  /** Run one point only (profiling). */
  readonly only: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (flag: string, def: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const only = argv.indexOf('--only');
  return {
    connections: get('--connections', 50),
    seconds: get('--seconds', 5),
    runs: get('--runs', 5),
    only: only >= 0 ? argv[only + 1] : undefined,
  };
}

function listen(app: App, port: number, ip: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      app.handleConnection({
        socket,
        tuple: {
          protocol: 'TCP',
          srcIP: '10.0.0.1',
          srcPort: socket.remotePort ?? 0,
          dstIP: ip,
          dstPort: port,
        },
      });
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(s: Server): number {
  return (s.address() as { port: number }).port;
}

async function startWorld() {
  const { echo, controller, podIP } = startIngressWorld();
  return { direct: await listen(echo, 8080, podIP), ingress: await listen(controller, 80, CONTROLLER_IP) };
}

/** nginx `proxy_pass` with an upstream keepalive pool, in front of the direct listener. */
const NGINX_PORT = 18183;

interface Point {
  readonly rate: number;
  readonly p99ms: number;
  /** CPU time of this Node process per request (µs): the controller and the pod for `ingress`, the pod alone otherwise. */
  readonly cpuUs: number;
}

function ms(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

async function wrk(url: string, host: string, o: Options): Promise<Point> {
  const before = process.cpuUsage();
  const { stdout } = await run('/usr/bin/wrk', [
    '-t1',
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    '--latency',
    '-H',
    `Host: ${host}`,
    url,
  ]);
  const cpu = process.cpuUsage(before);
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? Number.NaN);
  const p99 = /\s99%\s+(\S+)/.exec(stdout)?.[1] ?? '';
  return { rate, p99ms: ms(p99), cpuUs: (cpu.user + cpu.system) / requests };
}

function median(points: readonly Point[]): Point {
  const sorted = [...points].sort((a, b) => a.rate - b.rate);
  return sorted[Math.floor(sorted.length / 2)] as Point;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const servers = await startWorld();
  // bench/lib.ts's nginx waits until it accepts connections (and is killed when this exits).
  const nginx = await nginxProxy(`127.0.0.1:${NGINX_PORT}`, `127.0.0.1:${portOf(servers.direct)}`);
  const all = {
    ingress: `http://127.0.0.1:${portOf(servers.ingress)}/`,
    nginx: `http://127.0.0.1:${NGINX_PORT}/`,
    direct: `http://127.0.0.1:${portOf(servers.direct)}/`,
  };
  if (process.argv.includes('--serve')) {
    // Serve until SIGINT (profiling with --cpu-prof needs a clean exit).
    console.log(JSON.stringify(all));
    process.on('SIGINT', () => {
      nginx.kill();
      process.exit(0);
    });
    return;
  }
  const urls = o.only ? ({ [o.only]: all[o.only as keyof typeof all] } as typeof all) : all;
  const results: Record<string, Point[]> = Object.fromEntries(Object.keys(urls).map((k) => [k, []]));
  // Warm up (JIT, pools) before measuring.
  for (let i = 0; i < 2; i++) {
    for (const name of Object.keys(urls) as (keyof typeof urls)[])
      await wrk(urls[name], 'bench.example.com', { ...o, seconds: 3 });
  }
  for (let r = 0; r < o.runs; r++) {
    for (const name of Object.keys(urls) as (keyof typeof urls)[]) {
      results[name]?.push(await wrk(urls[name], 'bench.example.com', o));
    }
  }
  nginx.kill();
  for (const s of Object.values(servers)) s.close();
  console.log(
    `machine: ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`wrk -t1 -c${o.connections} -d${o.seconds}s, ${o.runs} runs each (interleaved), median run:`);
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<
    string,
    Point
  >;
  for (const [name, p] of Object.entries(m)) {
    const all = (results[name] ?? []).map((x) => x.rate.toFixed(0)).join(', ');
    console.log(
      `  ${name.padEnd(8)} ${p.rate.toFixed(0).padStart(8)} req/s  p99 ${p.p99ms.toFixed(2)} ms  node CPU ${p.cpuUs.toFixed(0)} µs/req   (runs: ${all})`,
    );
  }
  if (m.ingress && m.nginx && m.direct) {
    const ing = m.ingress;
    console.log(
      `  ingress/nginx ${(ing.rate / m.nginx.rate).toFixed(2)}×, ingress/direct ${(ing.rate / m.direct.rate).toFixed(2)}×`,
    );
  }
  process.exit(0);
}

await main();
