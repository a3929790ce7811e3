/**
 * The mysql image: a real MySQL protocol v10 handshake on 3306 (server version
 * from the tag, `mysql_native_password` for 5.7, `caching_sha2_password` for 8+,
 * no SSL offered), then `ERROR 1045 (28000): Access denied` for any login, so
 * `nc` and clients see a MySQL server. The entrypoint's refusal to start without
 * a root password option is kept, as are its main log lines.
 */
import { randomBytes } from 'node:crypto';
import type { ImageProfile } from '../catalogue.js';
import { RHEL_TOOLS } from '../exec/toolset.js';
import { tagVersion } from '../image-ref.js';
import type { App, AppContext, AppStartFailure, PodConnection } from '../types.js';
import { SimulatedApp, startFailure } from './base.js';
import { createShellApp } from './shell-app.js';

function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence;
  return Buffer.concat([header, payload]);
}

/** The initial handshake packet (protocol v10). */
export function mysqlHandshake(version: string, connectionId: number, scramble: Buffer): Buffer {
  const legacy = version.startsWith('5.');
  const caps = legacy ? 0xc1fff7ff : 0xdffff7ff;
  const plugin = legacy ? 'mysql_native_password' : 'caching_sha2_password';
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let o = 0;
  o = fixed.writeUInt32LE(connectionId, o);
  scramble.copy(fixed, o, 0, 8);
  o += 9;
  o = fixed.writeUInt16LE(caps & 0xffff, o);
  o = fixed.writeUInt8(legacy ? 0x21 : 0xff, o);
  o = fixed.writeUInt16LE(0x0002, o);
  o = fixed.writeUInt16LE(caps >>> 16, o);
  fixed.writeUInt8(21, o);
  const payload = Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from(`${version}\0`, 'latin1'),
    fixed,
    scramble.subarray(8, 20),
    Buffer.from([0]),
    Buffer.from(`${plugin}\0`, 'latin1'),
  ]);
  return packet(0, payload);
}

/** An ERR packet. */
export function mysqlError(sequence: number, code: number, state: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(code, 1);
  return packet(sequence, Buffer.concat([head, Buffer.from(`#${state}${message}`, 'utf8')]));
}

/** User name and whether a password was sent, from a HandshakeResponse41 packet. */
export function parseHandshakeResponse(payload: Buffer): { user: string; usingPassword: boolean } {
  const caps = payload.length >= 4 ? payload.readUInt32LE(0) : 0;
  const end = payload.indexOf(0, 32);
  const user = payload.subarray(32, end < 0 ? undefined : end).toString('utf8');
  const at = end < 0 ? payload.length : end + 1;
  let authLength: number;
  if (caps & 0x200000) authLength = payload[at] ?? 0;
  else if (caps & 0x8000) authLength = payload[at] ?? 0;
  else {
    const nul = payload.indexOf(0, at);
    authLength = (nul < 0 ? payload.length : nul) - at;
  }
  return { user, usingPassword: authLength > 0 };
}

function entrypointTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
}

/** A running mysqld. */
export class MysqlApp extends SimulatedApp {
  readonly #version: string;
  #nextId = 2;

  constructor(ctx: AppContext, version: string) {
    super(ctx, [
      { port: 3306, protocol: 'TCP' },
      ...(version.startsWith('5.') ? [] : [{ port: 33060, protocol: 'TCP' as const }]),
    ]);
    this.#version = version;
    const iso = new Date(ctx.clock.now()).toISOString().replace('Z', '000Z');
    ctx.log(
      `${iso} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '${version}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.`,
    );
  }

  protected serve(conn: PodConnection): void {
    const socket = conn.socket;
    socket.on('error', () => socket.destroy());
    if (conn.tuple.dstPort !== 3306) {
      socket.destroy();
      return;
    }
    const scramble = Buffer.from(randomBytes(20).map((b) => (b % 94) + 33));
    socket.write(mysqlHandshake(this.#version, this.#nextId++, scramble));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const len = buf.readUIntLE(0, 3);
      if (buf.length < 4 + len) return;
      const seq = buf[3] ?? 0;
      const { user, usingPassword } = parseHandshakeResponse(buf.subarray(4, 4 + len));
      socket.end(
        mysqlError(
          seq + 1,
          1045,
          '28000',
          `Access denied for user '${user}'@'${conn.tuple.srcIP}' (using password: ${usingPassword ? 'YES' : 'NO'})`,
        ),
      );
    });
  }

  protected override onTerminate(): void {
    this.exit(0);
  }
}

function startMysql(ctx: AppContext, argv: readonly string[], tag: string): App | AppStartFailure {
  const rest = /docker-entrypoint\.sh$/.test(argv[0] ?? '') ? argv.slice(1) : argv;
  if (!/(^|\/)mysqld$/.test(rest[0] ?? '')) return createShellApp(ctx, rest);
  const v = tagVersion(tag);
  const version = v.length === 3 ? v.join('.') : v[0] === 5 ? '5.7.44' : '8.0.40';
  const env = ctx.container.env;
  const t = entrypointTime(ctx.clock.now());
  const release = version.startsWith('5.') ? `${version}-1.el7` : `${version}-1.el9`;
  ctx.log(`${t} [Note] [Entrypoint]: Entrypoint script for MySQL Server ${release} started.`);
  ctx.log(`${t} [Note] [Entrypoint]: Switching to dedicated user 'mysql'`);
  ctx.log(`${t} [Note] [Entrypoint]: Entrypoint script for MySQL Server ${release} started.`);
  if (!env.MYSQL_ROOT_PASSWORD && !env.MYSQL_ALLOW_EMPTY_PASSWORD && !env.MYSQL_RANDOM_ROOT_PASSWORD) {
    return startFailure(
      1,
      `${t} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n` +
        '    You need to specify one of the following as an environment variable:\n' +
        '    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD',
    );
  }
  ctx.log(`${t} [Note] [Entrypoint]: Initializing database files`);
  ctx.log(`${t} [Note] [Entrypoint]: Database files initialized`);
  ctx.log(`${t} [Note] [Entrypoint]: MySQL init process done. Ready for start up.`);
  return new MysqlApp(ctx, version);
}

export const MYSQL_PROFILE: ImageProfile = {
  family: 'mysql',
  matches: (ref) => ref.repository === 'library/mysql' || ref.repository === 'mysql/mysql-server',
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['mysqld'],
  env: (ref) => ({ MYSQL_MAJOR: ref.tag.startsWith('5') ? '5.7' : '8.0' }),
  tools: RHEL_TOOLS,
  programs: ['docker-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh', 'mysqld', '/usr/sbin/mysqld'],
  start: (ctx, argv, ref) => startMysql(ctx, argv, ref.tag),
};
