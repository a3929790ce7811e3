/**
 * The MySQL client/server protocol as mysqld writes it (sql/auth/sql_authentication.cc,
 * sql/protocol_classic.cc): packet framing, the v10 handshake, HandshakeResponse41
 * parsing, OK/ERR/EOF packets, AuthSwitchRequest and one-column text result sets.
 * Pure.
 */

export const CLIENT_CONNECT_WITH_DB = 0x8;
export const CLIENT_PROTOCOL_41 = 0x200;
export const CLIENT_SSL = 0x800;
export const CLIENT_SECURE_CONNECTION = 0x8000;
export const CLIENT_PLUGIN_AUTH = 0x80000;
export const CLIENT_CONNECT_ATTRS = 0x100000;
export const CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000;
export const CLIENT_DEPRECATE_EOF = 0x1000000;
export const CLIENT_QUERY_ATTRIBUTES = 0x8000000;

/** SERVER_STATUS_AUTOCOMMIT: the only status bit a fresh session has. */
const STATUS_AUTOCOMMIT = 0x0002;

/**
 * Server capabilities without SSL: CLIENT_BASIC_FLAGS (every flag but
 * CLIENT_SSL, CLIENT_COMPRESS and CLIENT_SSL_VERIFY_SERVER_CERT) plus
 * CLIENT_TRANSACTIONS and CLIENT_COMPRESS. 8.0 adds bits 25-28 (optional
 * metadata, zstd, query attributes, multi-factor auth). Bits 11 and 30 come
 * only with an SSL acceptor, which netkube does not offer.
 */
export function serverCapabilities(version: string): number {
  return version.startsWith('5.') ? 0x81fff7ff : 0x9ffff7ff;
}

/** The auth plugin of root on a fresh server of `version`. */
export function defaultAuthPlugin(version: string): 'mysql_native_password' | 'caching_sha2_password' {
  return version.startsWith('5.') ? 'mysql_native_password' : 'caching_sha2_password';
}

export function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence & 0xff;
  return Buffer.concat([header, payload]);
}

/** A length-encoded integer. */
export function lenenc(n: number): Buffer {
  if (n < 251) return Buffer.from([n]);
  if (n < 0x10000) return Buffer.from([0xfc, n & 0xff, n >> 8]);
  const b = Buffer.alloc(4);
  b[0] = 0xfd;
  b.writeUIntLE(n, 1, 3);
  return b;
}

function lenencString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([lenenc(bytes.length), bytes]);
}

/** Reads a length-encoded integer at `at`: [value, next offset], or undefined when truncated. */
export function readLenenc(buf: Buffer, at: number): [number, number] | undefined {
  const first = buf[at];
  if (first === undefined) return undefined;
  if (first < 0xfb) return [first, at + 1];
  const size = first === 0xfc ? 2 : first === 0xfd ? 3 : first === 0xfe ? 8 : 0;
  if (size === 0 || at + 1 + size > buf.length) return undefined;
  return [buf.readUIntLE(at + 1, Math.min(size, 6)), at + 1 + size];
}

/**
 * The initial handshake packet (protocol v10): the 20-byte scramble in two
 * parts, auth-plugin-data length 21 (the scramble and its NUL), the server's
 * default collation (5.7: latin1_swedish_ci = 8; 8.0: utf8mb4_0900_ai_ci = 255).
 */
export function mysqlHandshake(version: string, connectionId: number, scramble: Buffer): Buffer {
  const caps = serverCapabilities(version);
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let o = fixed.writeUInt32LE(connectionId, 0);
  scramble.copy(fixed, o, 0, 8);
  o += 9;
  o = fixed.writeUInt16LE(caps & 0xffff, o);
  o = fixed.writeUInt8(version.startsWith('5.') ? 8 : 255, o);
  o = fixed.writeUInt16LE(STATUS_AUTOCOMMIT, o);
  o = fixed.writeUInt16LE(caps >>> 16, o);
  fixed.writeUInt8(21, o);
  return packet(
    0,
    Buffer.concat([
      Buffer.from([0x0a]),
      Buffer.from(`${version}\0`, 'latin1'),
      fixed,
      scramble.subarray(8, 20),
      Buffer.from([0]),
      Buffer.from(`${defaultAuthPlugin(version)}\0`, 'latin1'),
    ]),
  );
}

/** An ERR packet (with the SQL state, as every 4.1 client gets it). */
export function mysqlError(sequence: number, code: number, state: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(code, 1);
  return packet(sequence, Buffer.concat([head, Buffer.from(`#${state}${message}`, 'utf8')]));
}

/** An OK packet of a fresh session (no rows, autocommit, no warnings); `header` 0xfe ends a result set. */
export function mysqlOk(sequence: number, header = 0x00): Buffer {
  return packet(sequence, Buffer.from([header, 0, 0, STATUS_AUTOCOMMIT, 0, 0, 0]));
}

/** AuthSwitchRequest: use `plugin`, with the scramble (and its NUL) as its data. */
export function authSwitch(sequence: number, plugin: string, scramble: Buffer): Buffer {
  return packet(
    sequence,
    Buffer.concat([Buffer.from([0xfe]), Buffer.from(`${plugin}\0`, 'latin1'), scramble, Buffer.from([0])]),
  );
}

/** AuthMoreData: plugin data wrapped in a 0x01 packet. */
export function authMoreData(sequence: number, data: Buffer): Buffer {
  return packet(sequence, Buffer.concat([Buffer.from([0x01]), data]));
}

/** Bytes per character of a collation's character set (for a column's display length). */
function maxBytesPerChar(collation: number): number {
  if (collation === 33 || collation === 83 || (collation >= 192 && collation <= 215)) return 3;
  if (collation === 45 || collation === 46 || (collation >= 224 && collation <= 247) || collation === 255)
    return 4;
  return 1;
}

/**
 * A one-row, one-column text result set, as `select @@version_comment limit 1`
 * answers: column count, column definition (VAR_STRING, decimals 31), the row,
 * with EOF packets unless the client negotiated CLIENT_DEPRECATE_EOF.
 */
export function singleValueResult(options: {
  readonly name: string;
  readonly value: string;
  readonly collation: number;
  readonly deprecateEof: boolean;
}): Buffer {
  const { name, value, collation, deprecateEof } = options;
  let seq = 1;
  const out = [packet(seq++, lenenc(1))];
  const fixed = Buffer.alloc(13);
  fixed[0] = 0x0c;
  fixed.writeUInt16LE(collation, 1);
  fixed.writeUInt32LE(Buffer.byteLength(value) * maxBytesPerChar(collation), 3);
  fixed[7] = 0xfd; // MYSQL_TYPE_VAR_STRING
  fixed.writeUInt16LE(0, 8); // flags
  fixed[10] = 0x1f; // decimals: NOT_FIXED_DEC
  const column = Buffer.concat([
    lenencString('def'),
    lenencString(''),
    lenencString(''),
    lenencString(''),
    lenencString(name),
    lenencString(''),
    fixed,
  ]);
  out.push(packet(seq++, column));
  const eof = () => packet(seq++, Buffer.from([0xfe, 0, 0, STATUS_AUTOCOMMIT, 0]));
  if (!deprecateEof) out.push(eof());
  out.push(packet(seq++, lenencString(value)));
  out.push(deprecateEof ? mysqlOk(seq++, 0xfe) : eof());
  return Buffer.concat(out);
}

/** What a HandshakeResponse41 says. */
export interface HandshakeResponse {
  readonly capabilities: number;
  readonly collation: number;
  readonly user: string;
  readonly authResponse: Buffer;
  readonly database: string | undefined;
  /** The plugin the client answered with (mysql_native_password when it names none). */
  readonly plugin: string;
}

function nulString(buf: Buffer, at: number): [string, number] | undefined {
  const end = buf.indexOf(0, at);
  if (end < 0) return undefined;
  return [buf.subarray(at, end).toString('utf8'), end + 1];
}

/** Parses a HandshakeResponse41; undefined when malformed (the server's "Bad handshake"). */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse | undefined {
  if (payload.length < 32) return undefined;
  const capabilities = payload.readUInt32LE(0);
  if (!(capabilities & CLIENT_PROTOCOL_41)) return undefined;
  const user = nulString(payload, 32);
  if (!user) return undefined;
  let at = user[1];
  let authResponse: Buffer;
  if (capabilities & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) {
    const len = readLenenc(payload, at);
    if (!len || len[1] + len[0] > payload.length) return undefined;
    authResponse = payload.subarray(len[1], len[1] + len[0]);
    at = len[1] + len[0];
  } else if (capabilities & CLIENT_SECURE_CONNECTION) {
    const len = payload[at] ?? 0;
    if (at + 1 + len > payload.length) return undefined;
    authResponse = payload.subarray(at + 1, at + 1 + len);
    at += 1 + len;
  } else {
    const s = nulString(payload, at);
    if (!s) return undefined;
    authResponse = Buffer.from(s[0], 'utf8');
    at = s[1];
  }
  let database: string | undefined;
  if (capabilities & CLIENT_CONNECT_WITH_DB) {
    const db = nulString(payload, at);
    if (db) {
      database = db[0];
      at = db[1];
    }
  }
  let plugin = 'mysql_native_password';
  if (capabilities & CLIENT_PLUGIN_AUTH && at < payload.length)
    plugin = nulString(payload, at)?.[0] ?? payload.subarray(at).toString('latin1');
  return {
    capabilities,
    collation: payload[8] ?? 0,
    user: user[0],
    authResponse,
    database: database === '' ? undefined : database,
    plugin,
  };
}

/**
 * Splits a byte stream into packets. `push` returns the complete packets
 * (sequence id and payload) received so far; a partial one waits for more.
 */
export class PacketReader {
  #buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<{ readonly seq: number; readonly payload: Buffer }> {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: Array<{ seq: number; payload: Buffer }> = [];
    while (this.#buf.length >= 4) {
      const len = this.#buf.readUIntLE(0, 3);
      if (this.#buf.length < 4 + len) break;
      out.push({ seq: this.#buf[3] ?? 0, payload: this.#buf.subarray(4, 4 + len) });
      this.#buf = this.#buf.subarray(4 + len);
    }
    return out;
  }
}
