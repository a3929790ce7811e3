/**
 * The redis image: RESP (and inline commands, as `nc`/telnet send them) on
 * 6379 with PING, ECHO, SET/GET/DEL/EXISTS/INCR, QUIT and redis's error texts;
 * the startup banner and the shutdown lines on SIGTERM (exit 0). Data lives in
 * the process and is gone after a restart, as without persistence.
 */
import type { ImageProfile } from '../catalogue.js';
import { DEBIAN_SLIM_TOOLS } from '../exec/toolset.js';
import { tagVersion } from '../image-ref.js';
import type { AppContext, PodConnection } from '../types.js';
import { SimulatedApp } from './base.js';
import { createShellApp } from './shell-app.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function redisTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

const bulk = (s: string | undefined) =>
  s === undefined ? '$-1\r\n' : `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

/** Parses complete commands from `buf`; returns them and the unconsumed rest. */
export function parseResp(buf: string): { commands: string[][]; rest: string } {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    if (at >= buf.length) break;
    if (buf[at] !== '*') {
      const eol = buf.indexOf('\n', at);
      if (eol < 0) break;
      const line = buf.slice(at, eol).replace(/\r$/, '').trim();
      if (line !== '') commands.push(line.split(/\s+/));
      at = eol + 1;
      continue;
    }
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) break;
    const n = Number(buf.slice(at + 1, eol));
    let pos = eol + 2;
    const args: string[] = [];
    let complete = true;
    for (let i = 0; i < n; i++) {
      const lenEnd = buf.indexOf('\r\n', pos);
      if (lenEnd < 0 || buf[pos] !== '$') {
        complete = false;
        break;
      }
      const len = Number(buf.slice(pos + 1, lenEnd));
      if (buf.length < lenEnd + 2 + len + 2) {
        complete = false;
        break;
      }
      args.push(buf.slice(lenEnd + 2, lenEnd + 2 + len));
      pos = lenEnd + 2 + len + 2;
    }
    if (!complete) break;
    commands.push(args);
    at = pos;
  }
  return { commands, rest: buf.slice(at) };
}

/** A running redis-server. */
export class RedisApp extends SimulatedApp {
  #data: Map<string, string> | undefined;

  constructor(ctx: AppContext, version: string) {
    super(ctx, [{ port: 6379, protocol: 'TCP' }]);
    const t = redisTime(ctx.clock.now());
    ctx.log(`1:C ${t} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`);
    ctx.log(`1:C ${t} * Redis version=${version}, bits=64, commit=00000000, modified=0, pid=1, just started`);
    ctx.log(
      `1:C ${t} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf`,
    );
    ctx.log(`1:M ${t} * monotonic clock: POSIX clock_gettime`);
    ctx.log(`1:M ${t} * Running mode=standalone, port=6379.`);
    ctx.log(`1:M ${t} * Server initialized`);
    ctx.log(`1:M ${t} * Ready to accept connections tcp`);
  }

  protected serve(conn: PodConnection): void {
    let pending = '';
    const socket = conn.socket;
    socket.on('error', () => socket.destroy());
    // read() returning 0 frees the client: redis closes its side at EOF.
    socket.on('end', () => socket.end());
    socket.on('data', (chunk: Buffer) => {
      const { commands, rest } = parseResp(pending + chunk.toString('utf8'));
      pending = rest;
      for (const cmd of commands) {
        const reply = this.#execute(cmd);
        if (reply === undefined) {
          socket.end('+OK\r\n');
          return;
        }
        socket.write(reply);
      }
    });
  }

  /** One command's reply; undefined for QUIT. */
  #execute(args: string[]): string | undefined {
    const [name = '', ...rest] = args;
    if (!this.#data) this.#data = new Map();
    const data = this.#data;
    const arity = (n: number) =>
      rest.length !== n
        ? `-ERR wrong number of arguments for '${name.toLowerCase()}' command\r\n`
        : undefined;
    switch (name.toUpperCase()) {
      case 'PING':
        return rest.length === 0
          ? '+PONG\r\n'
          : rest.length === 1
            ? bulk(rest[0])
            : "-ERR wrong number of arguments for 'ping' command\r\n";
      case 'ECHO':
        return arity(1) ?? bulk(rest[0]);
      case 'SET':
        if (rest.length < 2) return "-ERR wrong number of arguments for 'set' command\r\n";
        data.set(rest[0] ?? '', rest[1] ?? '');
        return '+OK\r\n';
      case 'GET':
        return arity(1) ?? bulk(data.get(rest[0] ?? ''));
      case 'DEL':
      case 'EXISTS': {
        let n = 0;
        for (const k of rest) if (data.has(k) && (name.toUpperCase() === 'EXISTS' || data.delete(k))) n++;
        return `:${n}\r\n`;
      }
      case 'INCR': {
        const v = Number(data.get(rest[0] ?? '') ?? '0');
        if (!Number.isInteger(v)) return '-ERR value is not an integer or out of range\r\n';
        data.set(rest[0] ?? '', String(v + 1));
        return `:${v + 1}\r\n`;
      }
      case 'QUIT':
        return undefined;
      case 'CLIENT':
      case 'SELECT':
        return '+OK\r\n';
      case 'COMMAND':
        return '*0\r\n';
      default: {
        const shown = rest.map((a) => `'${a}' `).join('');
        return `-ERR unknown command '${name}', with args beginning with: ${shown}\r\n`;
      }
    }
  }

  protected override onTerminate(): void {
    const t = redisTime(this.ctx.clock.now());
    this.ctx.log(
      `1:signal-handler (${Math.floor(this.ctx.clock.now() / 1000)}) Received SIGTERM scheduling shutdown...`,
    );
    this.ctx.log(`1:M ${t} * User requested shutdown...`);
    this.ctx.log(`1:M ${t} * Saving the final RDB snapshot before exiting.`);
    this.ctx.log(`1:M ${t} * DB saved on disk`);
    this.ctx.log(`1:M ${t} # Redis is now ready to exit, bye bye...`);
    this.exit(0);
  }
}

export const REDIS_PROFILE: ImageProfile = {
  family: 'redis',
  matches: (ref) => ref.repository === 'library/redis',
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['redis-server'],
  env: () => ({}),
  tools: DEBIAN_SLIM_TOOLS,
  programs: [
    'docker-entrypoint.sh',
    '/usr/local/bin/docker-entrypoint.sh',
    'redis-server',
    '/usr/local/bin/redis-server',
  ],
  shipped: [
    'redis-cli',
    '/usr/local/bin/redis-cli',
    'redis-benchmark',
    'redis-check-aof',
    'redis-check-rdb',
    'redis-sentinel',
    'gosu',
  ],
  // `redis-cli -v`: the client's version line.
  answer: (argv, ref) => {
    if (!/(^|\/)redis-cli$/.test(argv[0] ?? '') || argv.length !== 2) return undefined;
    if (argv[1] !== '-v' && argv[1] !== '--version') return undefined;
    const v = tagVersion(ref.tag);
    return { stdout: `redis-cli ${v.length === 3 ? v.join('.') : '7.2.4'}\n`, stderr: '', exitCode: 0 };
  },
  start: (ctx, argv, ref) => {
    const rest = /docker-entrypoint\.sh$/.test(argv[0] ?? '') ? argv.slice(1) : argv;
    if (!/(^|\/)redis-server$/.test(rest[0] ?? '')) return createShellApp(ctx, rest);
    const v = tagVersion(ref.tag);
    return new RedisApp(ctx, v.length === 3 ? v.join('.') : '7.2.4');
  },
};
