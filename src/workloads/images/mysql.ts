/**
 * The mysql image: docker-entrypoint.sh's initialisation (the accounts and
 * schemas its environment asks for, its refusal to start without a root
 * password option, its log lines), then mysqld on 3306 speaking the MySQL
 * protocol for real: the v10 handshake (server version from the tag, no SSL
 * offered), `mysql_native_password` (5.7) or `caching_sha2_password` (8.x)
 * checked against the environment's passwords, and the commands a client sends
 * around its queries (mysql-session.ts). netkube emulates the wire protocol,
 * not SQL: any other query is answered with ERR 1105 saying so.
 */
import { generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import type { ImageProfile } from '../catalogue.js';
import { RHEL_TOOLS } from '../exec/toolset.js';
import { type ImageRef, tagVersion } from '../image-ref.js';
import type { App, AppContext, AppStartFailure, PodConnection } from '../types.js';
import { SimulatedApp, startFailure } from './base.js';
import { type MysqlUsers, mysqlUsers } from './mysql-auth.js';
import { type MysqlServer, MysqlSession } from './mysql-session.js';
import { createShellApp } from './shell-app.js';

export { mysqlHandshake, parseHandshakeResponse } from './mysql-protocol.js';

function entrypointTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
}

/** mysqld's error-log time: `2026-01-02T03:04:05.000000Z`. */
function mysqldTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A running mysqld. */
export class MysqlApp extends SimulatedApp implements MysqlServer {
  readonly version: string;
  readonly users: MysqlUsers;
  readonly sha2Cache = new Set<string>();
  #keys: Promise<{ readonly publicPem: string; readonly privateKey: KeyObject }> | undefined;
  #nextId = 2;

  constructor(ctx: AppContext, version: string, users: MysqlUsers) {
    super(ctx, [
      { port: 3306, protocol: 'TCP' },
      ...(version.startsWith('5.') ? [] : [{ port: 33060, protocol: 'TCP' as const }]),
    ]);
    this.version = version;
    this.users = users;
    const t = mysqldTime(ctx.clock.now());
    if (version.startsWith('5.')) {
      ctx.log(`${t} 0 [Note] mysqld: ready for connections.`);
      ctx.log(
        `Version: '${version}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)`,
      );
    } else {
      ctx.log(
        `${t} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '${version}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.`,
      );
    }
  }

  rsaKeys(): Promise<{ readonly publicPem: string; readonly privateKey: KeyObject }> {
    this.#keys ??= new Promise((resolve, reject) => {
      generateKeyPair('rsa', { modulusLength: 2048 }, (err, publicKey, privateKey) => {
        if (err) reject(err);
        else resolve({ publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey });
      });
    });
    return this.#keys;
  }

  log(connectionId: number, level: 'Note', message: string): void {
    this.ctx.log(`${mysqldTime(this.ctx.clock.now())} ${connectionId} [${level}] ${message}`);
  }

  protected serve(conn: PodConnection): void {
    const socket = conn.socket;
    socket.on('error', () => socket.destroy());
    if (conn.tuple.dstPort !== 3306) {
      socket.destroy();
      return;
    }
    // generate_user_salt: printable, never NUL or '$'.
    const scramble = Buffer.from(randomBytes(20).map((b) => (b % 94) + 33)).map((b) =>
      b === 0x24 ? 0x25 : b,
    );
    new MysqlSession({
      server: this,
      socket,
      clientIP: conn.tuple.srcIP,
      connectionId: this.#nextId++,
      scramble: Buffer.from(scramble),
    }).start();
  }

  protected override onTerminate(): void {
    this.exit(0);
  }
}

/** The server version of a tag (`5.7` → 5.7.44; `8.0` and other tags → 8.0.40). */
export function mysqlVersion(tag: string): string {
  const v = tagVersion(tag);
  return v.length === 3 ? v.join('.') : v[0] === 5 ? '5.7.44' : '8.0.40';
}

function startMysql(ctx: AppContext, argv: readonly string[], tag: string): App | AppStartFailure {
  const rest = /docker-entrypoint\.sh$/.test(argv[0] ?? '') ? argv.slice(1) : argv;
  if (!/(^|\/)mysqld$/.test(rest[0] ?? '')) return createShellApp(ctx, rest);
  const version = mysqlVersion(tag);
  const env = ctx.container.env;
  const t = entrypointTime(ctx.clock.now());
  const note = (text: string) => ctx.log(`${t} [Note] [Entrypoint]: ${text}`);
  const release = version.startsWith('5.') ? `${version}-1.el7` : `${version}-1.el9`;
  note(`Entrypoint script for MySQL Server ${release} started.`);
  note("Switching to dedicated user 'mysql'");
  note(`Entrypoint script for MySQL Server ${release} started.`);
  const options =
    '    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD';
  if (!env.MYSQL_ROOT_PASSWORD && !env.MYSQL_ALLOW_EMPTY_PASSWORD && !env.MYSQL_RANDOM_ROOT_PASSWORD) {
    return startFailure(
      1,
      `${t} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n` +
        `    You need to specify one of the following as an environment variable:\n${options}`,
    );
  }
  if (env.MYSQL_USER === 'root') {
    return startFailure(
      1,
      `${t} [ERROR] [Entrypoint]: MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n` +
        `    Remove MYSQL_USER="root" and use one of the following to control the root user password:\n${options}`,
    );
  }
  if (env.MYSQL_USER && !env.MYSQL_PASSWORD)
    ctx.log(
      `${t} [Warn] [Entrypoint]: MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created`,
    );
  else if (!env.MYSQL_USER && env.MYSQL_PASSWORD)
    ctx.log(
      `${t} [Warn] [Entrypoint]: MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored`,
    );
  const users = mysqlUsers(env);
  note('Initializing database files');
  note('Database files initialized');
  note('Starting temporary server');
  note('Temporary server started.');
  if (users.generatedRootPassword !== undefined)
    note(`GENERATED ROOT PASSWORD: ${users.generatedRootPassword}`);
  if (env.MYSQL_DATABASE) note(`Creating database ${env.MYSQL_DATABASE}`);
  if (env.MYSQL_USER && env.MYSQL_PASSWORD) {
    note(`Creating user ${env.MYSQL_USER}`);
    if (env.MYSQL_DATABASE) note(`Giving user ${env.MYSQL_USER} access to schema ${env.MYSQL_DATABASE}`);
  }
  note('Stopping temporary server');
  note('Temporary server stopped');
  ctx.log('');
  note('MySQL init process done. Ready for start up.');
  ctx.log('');
  return new MysqlApp(ctx, version, users);
}

/** `mysql --version` as the image's client prints it. */
function answerMysql(argv: readonly string[], ref: ImageRef) {
  const name = argv[0] ?? '';
  if (!/(^|\/)mysql$/.test(name) || argv.length !== 2 || !['--version', '-V'].includes(argv[1] ?? ''))
    return undefined;
  const version = mysqlVersion(ref.tag);
  const line = version.startsWith('5.')
    ? `${name}  Ver 14.14 Distrib ${version}, for Linux (x86_64) using  EditLine wrapper`
    : `${name}  Ver ${version} for Linux on x86_64 (MySQL Community Server - GPL)`;
  return { stdout: `${line}\n`, stderr: '', exitCode: 0 };
}

export const MYSQL_PROFILE: ImageProfile = {
  family: 'mysql',
  matches: (ref) => ref.repository === 'library/mysql' || ref.repository === 'mysql/mysql-server',
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['mysqld'],
  env: (ref) => ({ MYSQL_MAJOR: ref.tag.startsWith('5') ? '5.7' : '8.0' }),
  tools: RHEL_TOOLS,
  programs: ['docker-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh', 'mysqld', '/usr/sbin/mysqld'],
  shipped: [
    'mysql',
    '/usr/bin/mysql',
    'mysqladmin',
    '/usr/bin/mysqladmin',
    'mysqldump',
    '/usr/bin/mysqldump',
    'mysqlsh',
    '/usr/bin/mysqlsh',
    'mysql_tzinfo_to_sql',
    'gosu',
  ],
  answer: answerMysql,
  start: (ctx, argv, ref) => startMysql(ctx, argv, ref.tag),
};
