/**
 * Shared benchmark helpers: wrk runs with latency percentiles, HAProxy and nginx
 * as reference proxies on loopback ports (installed from Debian when missing),
 * medians, and machine facts for docs/benchmarks.md.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  readonly rps: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly errors: number;
}

/** Installs Debian packages the benchmarks need when they are missing (wrk, haproxy, nginx-light). */
export function ensureTools(): void {
  const missing = [
    ['wrk', 'wrk'],
    ['haproxy', 'haproxy'],
    ['nginx', 'nginx-light'],
  ].filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin} || test -x /usr/sbin/${bin}`]).status !== 0);
  if (missing.length === 0) return;
  const pkgs = missing.map(([, pkg]) => pkg as string);
  console.error(`Installing ${pkgs.join(', ')} from Debian…`);
  execFileSync('sh', [
    '-c',
    `(apt-get install -y ${pkgs.join(' ')} || (apt-get update && apt-get install -y ${pkgs.join(' ')})) >/dev/null 2>&1`,
  ]);
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/**
 * Runs wrk (asynchronously: the server under test may live in this process)
 * and parses requests/s and latency percentiles.
 */
export async function wrk(
  url: string,
  options: { connections?: number; seconds?: number; threads?: number; close?: boolean } = {},
): Promise<WrkResult> {
  const args = [
    '-t',
    String(options.threads ?? 1),
    '-c',
    String(options.connections ?? 50),
    '-d',
    `${options.seconds ?? 5}s`,
    '--latency',
  ];
  if (options.close) args.push('-H', 'Connection: close');
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', [...args, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 'NaN');
  const p50 = toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const errors =
    Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) +
    Number(/Socket errors:.*?(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50ms: p50, p99ms: p99, errors };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Throws when something already answers on `listen`: it would share the port and skew the run. */
async function assertFree(listen: string): Promise<void> {
  const { connect } = await import('node:net');
  const [host, port] = listen.split(':') as [string, string];
  const taken = await new Promise<boolean>((resolve) => {
    const s = connect(Number(port), host, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
  if (taken) throw new Error(`${listen} is already in use (a stray HAProxy or nginx from an earlier run?)`);
}

async function waitForPort(port: number, host: string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${host}:${port}`);
}

/**
 * Every helper process a benchmark starts, killed when the benchmark exits for
 * any reason: a stray HAProxy left bound to a port (they bind with SO_REUSEPORT,
 * so a second one binds too) would silently take part in the next run.
 */
const children = new Map<ChildProcess, { readonly group: boolean }>();
/** `group`: the child leads its own process group (spawned `detached`), and the whole group is killed. */
function track(child: ChildProcess, group = false): ChildProcess {
  children.set(child, { group });
  child.once('exit', () => children.delete(child));
  return child;
}
/**
 * SIGKILL, to the whole group for nginx: a master killed outright leaves its
 * worker running, still bound to the port (the next run then fails with
 * "already in use").
 */
function killChildren(): void {
  for (const [c, { group }] of children) {
    if (group && c.pid !== undefined) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        c.kill('SIGKILL');
      }
    } else c.kill('SIGKILL');
  }
}
process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}

/** HAProxy `mode tcp` from `listen` to `backend` (both host:port). */
export async function haproxyTcp(listen: string, backend: string): Promise<ChildProcess> {
  await assertFree(listen);
  const dir = mkdtempSync(join(tmpdir(), 'netkube-haproxy-'));
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    `global\n  maxconn 4096\n  nbthread 1\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\nlisten bench\n  bind ${listen}\n  server app ${backend}\n`,
  );
  const bin = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';
  const child = track(spawn(bin, ['-f', cfg, '-db'], { stdio: 'ignore' }));
  const [host, port] = listen.split(':') as [string, string];
  await waitForPort(Number(port), host);
  return child;
}

/** nginx `proxy_pass` with an upstream keepalive pool, one worker, from `listen` to `backend`. */
export async function nginxProxy(listen: string, backend: string): Promise<ChildProcess> {
  await assertFree(listen);
  const dir = mkdtempSync(join(tmpdir(), 'netkube-nginx-'));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;\ndaemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  client_body_temp_path ${dir};\n  proxy_temp_path ${dir};\n  fastcgi_temp_path ${dir};\n  uwsgi_temp_path ${dir};\n  scgi_temp_path ${dir};\n  upstream app { server ${backend}; keepalive 64; }\n  server {\n    listen ${listen};\n    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }\n  }\n}\n`,
  );
  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const child = track(spawn(bin, ['-c', conf, '-p', dir], { stdio: 'ignore', detached: true }), true);
  const [host, port] = listen.split(':') as [string, string];
  await waitForPort(Number(port), host);
  return child;
}

/** nginx serving a fixed small body: a fast real process to forward to. */
export async function nginxStatic(listen: string): Promise<ChildProcess> {
  await assertFree(listen);
  const dir = mkdtempSync(join(tmpdir(), 'netkube-nginx-static-'));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;\ndaemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  client_body_temp_path ${dir};\n  server { listen ${listen}; location / { return 200 "hello from the laptop\\n"; } }\n}\n`,
  );
  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const child = track(spawn(bin, ['-c', conf, '-p', dir], { stdio: 'ignore', detached: true }), true);
  const [host, port] = listen.split(':') as [string, string];
  await waitForPort(Number(port), host);
  return child;
}

/**
 * CPU time (user + system) a process has used so far, in µs, from
 * /proc/<pid>/stat (clock ticks, usually 10 ms: read it around runs of seconds).
 * Undefined when unknown (not Linux, or the process is gone).
 */
export function processCpuUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

/** One line describing the machine and its load, for the results section. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
}

/**
 * Calls `onResponse` for every whole HTTP/1.1 response read from `client` (a
 * head, then `Content-Length` body bytes), with whether it said
 * `Connection: close`: the in-process benchmarks' keep-alive clients.
 */
export function onHttpResponses(
  client: { on(event: 'data', listener: (chunk: Buffer) => void): unknown },
  onResponse: (closing: boolean) => void,
): void {
  let buffered = '';
  client.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    for (;;) {
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = /\r\nContent-Length: (\d+)/i.exec(buffered.slice(0, headEnd));
      const size = headEnd + 4 + Number(length?.[1] ?? 0);
      if (buffered.length < size) return;
      const closing = /\r\nConnection: close\r\n/i.test(buffered.slice(0, headEnd + 2));
      buffered = buffered.slice(size);
      onResponse(closing);
    }
  });
}
