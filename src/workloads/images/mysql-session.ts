/**
 * One client connection of the simulated mysqld: the handshake, authentication
 * as the server does it (AuthSwitchRequest when the client guessed another
 * plugin; caching_sha2_password's fast path, then full authentication through
 * the server's RSA public key, since netkube offers no TLS), then the commands
 * a client sends around its queries: COM_PING, COM_INIT_DB, COM_QUIT,
 * COM_RESET_CONNECTION and the mysql client's `select @@version_comment limit 1`.
 *
 * netkube emulates the wire protocol, not SQL: every other query (and prepared
 * statements) gets ERR 1105 (HY000, ER_UNKNOWN_ERROR) saying so.
 */
import { constants, type KeyObject, privateDecrypt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import {
  checkNativePassword,
  checkSha2Scramble,
  type MysqlAccount,
  type MysqlUsers,
  unscrambleRsaPassword,
} from './mysql-auth.js';
import {
  authMoreData,
  authSwitch,
  CLIENT_DEPRECATE_EOF,
  CLIENT_QUERY_ATTRIBUTES,
  CLIENT_SSL,
  defaultAuthPlugin,
  type HandshakeResponse,
  mysqlError,
  mysqlHandshake,
  mysqlOk,
  PacketReader,
  parseHandshakeResponse,
  readLenenc,
  singleValueResult,
} from './mysql-protocol.js';

/** ER_UNKNOWN_ERROR's text for what netkube does not emulate. */
export const NOT_SQL_MESSAGE =
  'netkube emulates the MySQL wire protocol, not SQL: this server answers login, COM_PING, COM_INIT_DB (USE), COM_QUIT and the mysql client\'s "select @@version_comment limit 1" only';

/** What every session of one server shares. */
export interface MysqlServer {
  readonly version: string;
  readonly users: MysqlUsers;
  /** Accounts that completed a full caching_sha2_password authentication (its fast-path cache). */
  readonly sha2Cache: Set<string>;
  /** The server's RSA key pair (caching_sha2_password_auto_generate_rsa_keys), made on first use. */
  rsaKeys(): Promise<{ readonly publicPem: string; readonly privateKey: KeyObject }>;
  /** Writes a line to the server's error log. */
  log(connectionId: number, level: 'Note', message: string): void;
}

type State = 'response' | 'switched' | 'sha2-full' | 'command' | 'closed';

/** A session, from handshake to COM_QUIT. */
export class MysqlSession {
  readonly #server: MysqlServer;
  readonly #socket: Duplex;
  readonly #clientIP: string;
  readonly #id: number;
  readonly #scramble: Buffer;
  readonly #reader = new PacketReader();
  #state: State = 'response';
  #hello: HandshakeResponse | undefined;
  #account: MysqlAccount | undefined;

  constructor(options: {
    readonly server: MysqlServer;
    readonly socket: Duplex;
    readonly clientIP: string;
    readonly connectionId: number;
    readonly scramble: Buffer;
  }) {
    this.#server = options.server;
    this.#socket = options.socket;
    this.#clientIP = options.clientIP;
    this.#id = options.connectionId;
    this.#scramble = options.scramble;
  }

  start(): void {
    this.#socket.on('data', (chunk: Buffer) => {
      for (const { seq, payload } of this.#reader.push(chunk)) this.#onPacket(seq, payload);
    });
    this.#socket.write(mysqlHandshake(this.#server.version, this.#id, this.#scramble));
  }

  #onPacket(seq: number, payload: Buffer): void {
    switch (this.#state) {
      case 'response':
        this.#onHandshakeResponse(seq, payload);
        return;
      case 'switched':
        this.#authenticate(seq, payload);
        return;
      case 'sha2-full':
        this.#onFullAuth(seq, payload);
        return;
      case 'command':
        this.#onCommand(payload);
        return;
      case 'closed':
        return;
    }
  }

  #onHandshakeResponse(seq: number, payload: Buffer): void {
    const hello = parseHandshakeResponse(payload);
    // An SSLRequest, though no SSL was offered, is a handshake error as for a server without SSL.
    if (!hello || hello.capabilities & CLIENT_SSL) {
      this.#fail(seq + 1, 1043, '08S01', 'Bad handshake');
      return;
    }
    this.#hello = hello;
    this.#account = this.#server.users.accounts.get(hello.user);
    const plugin = defaultAuthPlugin(this.#server.version);
    if (hello.plugin !== plugin) {
      this.#state = 'switched';
      this.#socket.write(authSwitch(seq + 1, plugin, this.#scramble));
      return;
    }
    this.#authenticate(seq, hello.authResponse);
  }

  /** Checks the client's answer to the current plugin (the handshake's or the switched one). */
  #authenticate(seq: number, token: Buffer): void {
    const account = this.#account;
    if (defaultAuthPlugin(this.#server.version) === 'mysql_native_password') {
      if (account && checkNativePassword(token, this.#scramble, account.password)) this.#accept(seq + 1);
      else this.#deny(seq + 1, token.length > 0);
      return;
    }
    if (token.length === 0 || (token.length === 1 && token[0] === 0)) {
      if (account && account.password === '') this.#accept(seq + 1);
      else this.#deny(seq + 1, false);
      return;
    }
    if (
      account &&
      this.#server.sha2Cache.has(account.user) &&
      checkSha2Scramble(token, this.#scramble, account.password)
    ) {
      this.#socket.write(authMoreData(seq + 1, Buffer.from([0x03])));
      this.#accept(seq + 2);
      return;
    }
    // Not in the cache (or a wrong scramble): ask for the password itself.
    this.#state = 'sha2-full';
    this.#socket.write(authMoreData(seq + 1, Buffer.from([0x04])));
  }

  #onFullAuth(seq: number, payload: Buffer): void {
    if (payload.length === 1 && payload[0] === 0x02) {
      void this.#server.rsaKeys().then(
        (keys) => {
          if (this.#state === 'sha2-full')
            this.#socket.write(authMoreData(seq + 1, Buffer.from(keys.publicPem)));
        },
        () => this.#deny(seq + 1, true),
      );
      return;
    }
    void this.#server.rsaKeys().then(
      (keys) => {
        let password: string | undefined;
        try {
          const plain = privateDecrypt(
            { key: keys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING },
            payload,
          );
          password = unscrambleRsaPassword(plain, this.#scramble);
        } catch {
          password = undefined;
        }
        const account = this.#account;
        if (account && password === account.password) {
          this.#server.sha2Cache.add(account.user);
          this.#accept(seq + 1);
        } else this.#deny(seq + 1, true);
      },
      () => this.#deny(seq + 1, true),
    );
  }

  #accept(seq: number): void {
    const database = this.#hello?.database;
    if (database !== undefined) {
      const refused = this.#useError(database);
      if (refused) {
        this.#fail(seq, ...refused);
        return;
      }
    }
    this.#state = 'command';
    this.#socket.write(mysqlOk(seq));
  }

  #deny(seq: number, usingPassword: boolean): void {
    const message = `Access denied for user '${this.#hello?.user ?? ''}'@'${this.#clientIP}' (using password: ${usingPassword ? 'YES' : 'NO'})`;
    if (this.#server.version.startsWith('5.')) this.#server.log(this.#id, 'Note', message);
    this.#fail(seq, 1045, '28000', message);
  }

  #fail(seq: number, code: number, state: string, message: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#socket.end(mysqlError(seq, code, state, message));
  }

  /** Why `USE database` fails for this account, if it does. */
  #useError(database: string): [number, string, string] | undefined {
    if (!this.#server.users.schemas.has(database)) return [1049, '42000', `Unknown database '${database}'`];
    const allowed = this.#account?.schemas;
    if (allowed && !allowed.has(database))
      return [1044, '42000', `Access denied for user '${this.#account?.user}'@'%' to database '${database}'`];
    return undefined;
  }

  #onCommand(payload: Buffer): void {
    const command = payload[0];
    switch (command) {
      case 0x01: // COM_QUIT
        this.#state = 'closed';
        this.#socket.end();
        return;
      case 0x02: {
        // COM_INIT_DB
        const refused = this.#useError(payload.subarray(1).toString('utf8'));
        this.#socket.write(refused ? mysqlError(1, ...refused) : mysqlOk(1));
        return;
      }
      case 0x03:
        this.#onQuery(payload);
        return;
      case 0x0e: // COM_PING
      case 0x1f: // COM_RESET_CONNECTION
        this.#socket.write(mysqlOk(1));
        return;
      default:
        this.#socket.write(
          command !== undefined && command <= 0x1f
            ? mysqlError(1, 1105, 'HY000', NOT_SQL_MESSAGE)
            : mysqlError(1, 1047, '08S01', 'Unknown command'),
        );
    }
  }

  #onQuery(payload: Buffer): void {
    const caps = this.#hello?.capabilities ?? 0;
    let at = 1;
    if (caps & CLIENT_QUERY_ATTRIBUTES) {
      const count = readLenenc(payload, at);
      const sets = count ? readLenenc(payload, count[1]) : undefined;
      // Queries carrying attributes are never the client's greeting.
      if (!count || !sets || count[0] > 0) {
        this.#socket.write(mysqlError(1, 1105, 'HY000', NOT_SQL_MESSAGE));
        return;
      }
      at = sets[1];
    }
    const query = payload.subarray(at).toString('utf8').trim().replace(/;$/, '').replace(/\s+/g, ' ');
    if (/^select @@version_comment limit 1$/i.test(query)) {
      const collation = this.#hello?.collation ?? 0;
      const legacy = this.#server.version.startsWith('5.');
      this.#socket.write(
        singleValueResult({
          name: '@@version_comment',
          value: legacy ? 'MySQL Community Server (GPL)' : 'MySQL Community Server - GPL',
          collation: collation > 0 && (!legacy || collation <= 247) ? collation : legacy ? 8 : 255,
          deprecateEof: (caps & CLIENT_DEPRECATE_EOF) !== 0,
        }),
      );
      return;
    }
    this.#socket.write(mysqlError(1, 1105, 'HY000', NOT_SQL_MESSAGE));
  }
}
