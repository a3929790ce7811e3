/**
 * Who may log in to the mysql image, and how mysqld checks it: the accounts
 * docker-entrypoint.sh creates from the environment (root with
 * MYSQL_ROOT_PASSWORD, an empty password with MYSQL_ALLOW_EMPTY_PASSWORD, a
 * generated one with MYSQL_RANDOM_ROOT_PASSWORD; MYSQL_USER/MYSQL_PASSWORD with
 * MYSQL_DATABASE), the schemas that exist, and the two password checks:
 * `mysql_native_password` (5.7) and `caching_sha2_password`'s fast path (8.x).
 * Pure apart from the generated password.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** An account and the schemas it may `USE`. */
export interface MysqlAccount {
  readonly user: string;
  readonly password: string;
  /** undefined: every schema (root). */
  readonly schemas: ReadonlySet<string> | undefined;
}

/** The server's accounts and schemas after the entrypoint's initialisation. */
export interface MysqlUsers {
  readonly accounts: ReadonlyMap<string, MysqlAccount>;
  readonly schemas: ReadonlySet<string>;
  /** The password MYSQL_RANDOM_ROOT_PASSWORD generated (the entrypoint logs it). */
  readonly generatedRootPassword: string | undefined;
}

const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'];

/** The accounts and schemas of a freshly initialised server, from the container's environment. */
export function mysqlUsers(env: Readonly<Record<string, string>>): MysqlUsers {
  // `openssl rand -base64 24`, as the entrypoint generates it.
  const generated = env.MYSQL_RANDOM_ROOT_PASSWORD ? randomBytes(24).toString('base64') : undefined;
  const schemas = new Set(SYSTEM_SCHEMAS);
  const database = env.MYSQL_DATABASE ?? '';
  if (database !== '') schemas.add(database);
  const accounts = new Map<string, MysqlAccount>();
  accounts.set('root', {
    user: 'root',
    password: generated ?? env.MYSQL_ROOT_PASSWORD ?? '',
    schemas: undefined,
  });
  const user = env.MYSQL_USER ?? '';
  const password = env.MYSQL_PASSWORD ?? '';
  if (user !== '' && user !== 'root' && password !== '') {
    const own = new Set(['information_schema']);
    if (database !== '') own.add(database);
    accounts.set(user, { user, password, schemas: own });
  }
  return { accounts, schemas, generatedRootPassword: generated };
}

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i % b.length] ?? 0);
  return out;
}

/** What a client sends for `mysql_native_password`: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  return xor(stage1, sha1(scramble, sha1(stage1)));
}

/**
 * mysqld's check of a `mysql_native_password` token against the stored
 * SHA1(SHA1(password)): recover SHA1(password) from the token and hash it
 * again. An empty password expects an empty token.
 */
export function checkNativePassword(token: Buffer, scramble: Buffer, password: string): boolean {
  if (password === '') return token.length === 0;
  if (token.length !== 20) return false;
  const stored = sha1(sha1(Buffer.from(password, 'utf8')));
  const candidate = xor(token, sha1(scramble, stored));
  return timingSafeEqual(sha1(candidate), stored);
}

/** caching_sha2_password's scramble: XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)), nonce)). */
export function sha2PasswordToken(password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  return xor(stage1, sha256(sha256(stage1), nonce));
}

/** The fast-path check of a caching_sha2_password scramble against the cached SHA256(SHA256(pw)). */
export function checkSha2Scramble(token: Buffer, nonce: Buffer, password: string): boolean {
  if (token.length !== 32) return false;
  const stored = sha256(sha256(Buffer.from(password, 'utf8')));
  const candidate = xor(token, sha256(stored, nonce));
  return timingSafeEqual(sha256(candidate), stored);
}

/**
 * The password of a full caching_sha2_password authentication, after RSA
 * decryption: the client XORs `password\0` with the nonce; the password ends
 * at the first NUL.
 */
export function unscrambleRsaPassword(plain: Buffer, nonce: Buffer): string {
  const clear = xor(plain, nonce);
  const end = clear.indexOf(0);
  return clear.subarray(0, end < 0 ? clear.length : end).toString('utf8');
}
