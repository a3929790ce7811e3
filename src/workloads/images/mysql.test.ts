import { constants, createHash, publicEncrypt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { EnvVar } from '../../api/types.js';
import { container, testCluster } from '../testing/cluster.js';
import { NOT_SQL_MESSAGE } from './mysql-session.js';

type Cluster = ReturnType<typeof testCluster>;
interface Packet {
  readonly seq: number;
  readonly payload: Buffer;
}

/** A MySQL client written from the protocol documentation, independent of the server code. */
class Client {
  readonly #socket: Duplex;
  #buf = Buffer.alloc(0);
  readonly #queue: Packet[] = [];
  #wake: (() => void) | undefined;
  ended = false;

  private constructor(socket: Duplex) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      while (this.#buf.length >= 4 && this.#buf.length >= 4 + this.#buf.readUIntLE(0, 3)) {
        const len = this.#buf.readUIntLE(0, 3);
        this.#queue.push({ seq: this.#buf[3] ?? 0, payload: this.#buf.subarray(4, 4 + len) });
        this.#buf = this.#buf.subarray(4 + len);
      }
      this.#wake?.();
    });
    socket.on('end', () => {
      this.ended = true;
      this.#wake?.();
    });
  }

  static async open(c: Cluster, ip = '10.244.1.5'): Promise<Client> {
    return new Client(await c.connect(ip, 3306));
  }

  async read(): Promise<Packet> {
    for (;;) {
      const next = this.#queue.shift();
      if (next) return next;
      if (this.ended) throw new Error('connection closed');
      await new Promise<void>((r) => {
        this.#wake = r;
      });
    }
  }

  write(seq: number, payload: Buffer): void {
    const head = Buffer.alloc(4);
    head.writeUIntLE(payload.length, 0, 3);
    head[3] = seq;
    this.#socket.write(Buffer.concat([head, payload]));
  }

  command(code: number, text = ''): void {
    this.write(0, Buffer.concat([Buffer.from([code]), Buffer.from(text)]));
  }

  close(): void {
    this.#socket.destroy();
  }
}

interface Greeting {
  readonly version: string;
  readonly capabilities: number;
  readonly charset: number;
  readonly status: number;
  readonly authDataLength: number;
  readonly scramble: Buffer;
  readonly plugin: string;
}

function parseGreeting(p: Buffer): Greeting {
  expect(p[0]).toBe(10);
  const vEnd = p.indexOf(0, 1);
  let o = vEnd + 1 + 4;
  const part1 = p.subarray(o, o + 8);
  o += 9;
  const low = p.readUInt16LE(o);
  const charset = p[o + 2] ?? 0;
  const status = p.readUInt16LE(o + 3);
  const high = p.readUInt16LE(o + 5);
  const authDataLength = p[o + 7] ?? 0;
  o += 18;
  const part2 = p.subarray(o, o + 12);
  o += 13;
  return {
    version: p.subarray(1, vEnd).toString(),
    capabilities: ((high << 16) | low) >>> 0,
    charset,
    status,
    authDataLength,
    scramble: Buffer.concat([part1, part2]),
    plugin: p.subarray(o, p.indexOf(0, o)).toString(),
  };
}

const sha1 = (...b: Buffer[]) => b.reduce((h, x) => h.update(x), createHash('sha1')).digest();
const sha256 = (...b: Buffer[]) => b.reduce((h, x) => h.update(x), createHash('sha256')).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ (b[i % b.length] ?? 0)));

function nativeToken(password: string, scramble: Buffer): Buffer {
  const p1 = sha1(Buffer.from(password));
  return xor(p1, sha1(scramble, sha1(p1)));
}

function sha2Token(password: string, scramble: Buffer): Buffer {
  const p1 = sha256(Buffer.from(password));
  return xor(p1, sha256(sha256(p1), scramble));
}

/** HandshakeResponse41 as the mysql 8 client sends it (lenenc auth data, plugin name, CLIENT_DEPRECATE_EOF). */
function handshakeResponse(options: {
  user: string;
  token: Buffer;
  plugin: string;
  database?: string;
  deprecateEof?: boolean;
}): Buffer {
  const caps =
    0x1 |
    0x200 |
    0x8000 |
    0x80000 |
    0x200000 |
    (options.database ? 0x8 : 0) |
    (options.deprecateEof ? 0x1000000 : 0);
  const head = Buffer.alloc(32);
  head.writeUInt32LE(caps, 0);
  head.writeUInt32LE(16777216, 4);
  head[8] = 45; // utf8mb4_general_ci
  return Buffer.concat([
    head,
    Buffer.from(`${options.user}\0`),
    Buffer.from([options.token.length]),
    options.token,
    options.database ? Buffer.from(`${options.database}\0`) : Buffer.alloc(0),
    Buffer.from(`${options.plugin}\0`),
  ]);
}

function errorOf(p: Packet): { code: number; text: string } {
  expect(p.payload[0]).toBe(0xff);
  return { code: p.payload.readUInt16LE(1), text: p.payload.subarray(3).toString() };
}

const OK = [0, 0, 0, 2, 0, 0, 0];

function mysql(image: string, env: EnvVar[]) {
  const c = testCluster();
  c.startPod({
    name: 'mysql57-pod',
    ip: '10.244.1.5',
    containers: [container('c', image, { ports: [{ containerPort: 3306 }], env })],
  });
  return c;
}

async function login57(c: Cluster, user: string, password: string, database?: string) {
  const client = await Client.open(c);
  const greeting = parseGreeting((await client.read()).payload);
  client.write(
    1,
    handshakeResponse({
      user,
      token: password === '' ? Buffer.alloc(0) : nativeToken(password, greeting.scramble),
      plugin: 'mysql_native_password',
      ...(database ? { database } : {}),
    }),
  );
  return { client, greeting, reply: await client.read() };
}

describe('mysql:5.7', () => {
  const ROOT = [{ name: 'MYSQL_ROOT_PASSWORD', value: 'k8spass#' }];

  it('greets with 5.7.44: latin1_swedish_ci (8), no CLIENT_SSL nor SSL_VERIFY_SERVER_CERT, 21 bytes of auth data', async () => {
    const c = mysql('mysql:5.7', ROOT);
    const client = await Client.open(c);
    const hello = await client.read();
    expect(hello.seq).toBe(0);
    const g = parseGreeting(hello.payload);
    expect(g).toMatchObject({ version: '5.7.44', charset: 8, status: 2, authDataLength: 21 });
    expect(g.plugin).toBe('mysql_native_password');
    expect(g.capabilities).toBe(0x81fff7ff);
    expect(g.capabilities & (1 << 11)).toBe(0);
    expect(g.capabilities & (1 << 30)).toBe(0);
    client.close();
  });

  it('logs in root with MYSQL_ROOT_PASSWORD and answers what the mysql client sends', async () => {
    const c = mysql('mysql:5.7', ROOT);
    const { client, reply } = await login57(c, 'root', 'k8spass#');
    expect(reply.seq).toBe(2);
    expect([...reply.payload]).toEqual(OK);

    client.command(0x03, 'select @@version_comment limit 1');
    const count = await client.read();
    expect([count.seq, ...count.payload]).toEqual([1, 1]);
    const column = (await client.read()).payload;
    expect(column.toString('latin1')).toContain('\x03def\x00\x00\x00\x11@@version_comment\x00\x0c');
    expect([...(await client.read()).payload]).toEqual([0xfe, 0, 0, 2, 0]);
    const row = await client.read();
    expect(row.payload.toString()).toBe('\x1cMySQL Community Server (GPL)');
    const end = await client.read();
    expect([end.seq, ...end.payload]).toEqual([5, 0xfe, 0, 0, 2, 0]);

    client.command(0x0e);
    expect([...(await client.read()).payload]).toEqual(OK);
    client.command(0x02, 'mysql');
    expect([...(await client.read()).payload]).toEqual(OK);
    client.command(0x02, 'shop');
    expect(errorOf(await client.read())).toEqual({ code: 1049, text: "#42000Unknown database 'shop'" });
    client.command(0x03, 'show databases');
    expect(errorOf(await client.read())).toEqual({ code: 1105, text: `#HY000${NOT_SQL_MESSAGE}` });
    client.command(0x01);
    await expect(client.read()).rejects.toThrow('connection closed');
  });

  it('a wrong password is ERR 1045 naming the client address, and a Note in the log', async () => {
    const c = mysql('mysql:5.7', ROOT);
    const { reply } = await login57(c, 'root', 'wrong');
    expect(reply.seq).toBe(2);
    expect(errorOf(reply)).toEqual({
      code: 1045,
      text: "#28000Access denied for user 'root'@'10.244.0.7' (using password: YES)",
    });
    const { reply: none } = await login57(c, 'root', '');
    expect(errorOf(none).text).toContain('(using password: NO)');
    expect(c.logs.read('default/mysql57-pod/c')).toContain(
      "2026-01-02T03:04:05.000000Z 2 [Note] Access denied for user 'root'@'10.244.0.7' (using password: YES)\n",
    );
  });

  it('switches a caching_sha2_password client (mysql 8) to mysql_native_password', async () => {
    const c = mysql('mysql:5.7', ROOT);
    const client = await Client.open(c);
    const g = parseGreeting((await client.read()).payload);
    client.write(
      1,
      handshakeResponse({
        user: 'root',
        token: sha2Token('k8spass#', g.scramble),
        plugin: 'caching_sha2_password',
      }),
    );
    const sw = await client.read();
    expect(sw.seq).toBe(2);
    expect(sw.payload.toString('latin1')).toBe(
      `\xfemysql_native_password\0${g.scramble.toString('latin1')}\0`,
    );
    client.write(3, nativeToken('k8spass#', g.scramble));
    const ok = await client.read();
    expect([ok.seq, ...ok.payload]).toEqual([4, ...OK]);
  });

  it('logs as 5.7 does: [Note] mysqld: ready for connections, then the Version line', async () => {
    const c = mysql('mysql:5.7', ROOT);
    const log = c.logs.read('default/mysql57-pod/c');
    expect(log).toContain(
      "2026-01-02T03:04:05.000000Z 0 [Note] mysqld: ready for connections.\nVersion: '5.7.44'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)\n",
    );
    expect(log).not.toContain('[MY-010931]');
  });

  it('MYSQL_RANDOM_ROOT_PASSWORD: a generated password, logged by the entrypoint, is root’s', async () => {
    const c = mysql('mysql:5.7', [{ name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: 'yes' }]);
    const generated =
      /GENERATED ROOT PASSWORD: (\S+)\n/.exec(c.logs.read('default/mysql57-pod/c'))?.[1] ?? '';
    expect(generated).toMatch(/^[A-Za-z0-9+/]{32}$/);
    expect([...(await login57(c, 'root', generated)).reply.payload]).toEqual(OK);
    expect(errorOf((await login57(c, 'root', '')).reply).code).toBe(1045);
  });

  it('MYSQL_ALLOW_EMPTY_PASSWORD: root logs in without a password', async () => {
    const c = mysql('mysql:5.7', [{ name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: 'yes' }]);
    expect([...(await login57(c, 'root', '')).reply.payload]).toEqual(OK);
    expect(errorOf((await login57(c, 'root', 'x')).reply).text).toContain('(using password: YES)');
  });

  it('MYSQL_USER with MYSQL_DATABASE: the user may use that schema only', async () => {
    const c = mysql('mysql:5.7', [
      ...ROOT,
      { name: 'MYSQL_DATABASE', value: 'shop' },
      { name: 'MYSQL_USER', value: 'app' },
      { name: 'MYSQL_PASSWORD', value: 'secret' },
    ]);
    const { client, reply } = await login57(c, 'app', 'secret', 'shop');
    expect([...reply.payload]).toEqual(OK);
    client.command(0x02, 'mysql');
    expect(errorOf(await client.read())).toEqual({
      code: 1044,
      text: "#42000Access denied for user 'app'@'%' to database 'mysql'",
    });
    expect(c.logs.read('default/mysql57-pod/c')).toContain(
      '[Note] [Entrypoint]: Creating user app\n2026-01-02 03:04:05+00:00 [Note] [Entrypoint]: Giving user app access to schema shop\n',
    );
  });

  it('in the pod: mysql --version is answered, a mysql session is not emulated', async () => {
    const c = mysql('mysql:5.7', ROOT);
    const exec = (command: string[]) => c.runtime.exec({ namespace: 'default', pod: 'mysql57-pod', command });
    expect((await exec(['mysql', '--version'])).stdout).toBe(
      'mysql  Ver 14.14 Distrib 5.7.44, for Linux (x86_64) using  EditLine wrapper\n',
    );
    const r = await exec(['mysql', '-uroot', '-pk8spass#']);
    expect(r.exitCode).toBe(126);
    expect(r.stderr).toContain('exec: "mysql": not emulated by netkube');
  });

  it('refuses to start without a root password option, as the entrypoint does', async () => {
    const c = testCluster();
    const started = c.startPod({ name: 'm', ip: '10.244.1.5', containers: [container('c', 'mysql:8.0')] });
    await c.settle();
    expect(started.exits).toEqual([['c', 1, 'Error']]);
    expect(c.logs.read('default/m/c')).toContain(
      '[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n',
    );
  });
});

describe('mysql:8.0 (caching_sha2_password)', () => {
  it('authenticates through the RSA public key, then on the fast path from the cache', async () => {
    const c = mysql('mysql:8.0', [{ name: 'MYSQL_ROOT_PASSWORD', value: 'k8spass#' }]);
    expect(c.logs.read('default/mysql57-pod/c')).toContain(
      "[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.40'",
    );
    const first = await Client.open(c);
    const g = parseGreeting((await first.read()).payload);
    expect(g).toMatchObject({ version: '8.0.40', charset: 255, plugin: 'caching_sha2_password' });
    expect(g.capabilities).toBe(0x9ffff7ff);
    const response = (scramble: Buffer, password: string) =>
      handshakeResponse({
        user: 'root',
        token: sha2Token(password, scramble),
        plugin: 'caching_sha2_password',
      });
    first.write(1, response(g.scramble, 'k8spass#'));
    expect([...(await first.read()).payload]).toEqual([0x01, 0x04]); // perform full authentication
    first.write(3, Buffer.from([0x02])); // request the public key
    const key = await first.read();
    expect(key.seq).toBe(4);
    const pem = key.payload.subarray(1).toString();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const encrypted = publicEncrypt(
      { key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING },
      xor(Buffer.from('k8spass#\0'), g.scramble),
    );
    first.write(5, encrypted);
    const ok = await first.read();
    expect([ok.seq, ...ok.payload]).toEqual([6, ...OK]);

    const second = await Client.open(c);
    const g2 = parseGreeting((await second.read()).payload);
    second.write(1, response(g2.scramble, 'k8spass#'));
    expect([...(await second.read()).payload]).toEqual([0x01, 0x03]); // fast_auth_success
    expect([...(await second.read()).payload]).toEqual(OK);

    const wrong = await Client.open(c);
    const g3 = parseGreeting((await wrong.read()).payload);
    wrong.write(1, response(g3.scramble, 'nope'));
    expect([...(await wrong.read()).payload]).toEqual([0x01, 0x04]);
    wrong.write(
      3,
      publicEncrypt(
        { key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING },
        xor(Buffer.from('nope\0'), g3.scramble),
      ),
    );
    expect(errorOf(await wrong.read()).code).toBe(1045);
  });
});
