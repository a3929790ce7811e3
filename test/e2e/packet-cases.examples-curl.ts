/**
 * The `curl` of the example READMEs: what curl sends and prints for the
 * options a Kubernetes user types against a NodePort or an ingress controller.
 *
 * `curl [-s] [-i] [-k] [-v] [-X METHOD] [-H 'Name: value']… [--resolve HOST:PORT:ADDR]… URL`
 * - `-s` changes nothing (no progress meter is shown here anyway);
 * - `-i` prints the status line and the response headers as the server sent
 *   them (CRLF line ends, as curl writes them), a blank line, then the body;
 * - `-k` accepts any certificate (self-signed, the controller's fake one);
 * - `--resolve HOST:PORT:ADDR` connects to ADDR for HOST:PORT while the URL's
 *   name is still sent as `Host` and, for https, as the TLS server name (SNI);
 * - `-v` writes, to stderr, the lines of curl's verbose output about the
 *   server certificate (`* Server certificate:`, `*  subject: …`, dates,
 *   `*  issuer: …`) — only those: the READMEs grep them (`2>&1 | grep …`).
 *
 * And `grep`, which READMEs pipe curl into.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';

/** A parsed curl command line. */
export interface CurlArgs {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly include: boolean;
  readonly insecure: boolean;
  readonly verbose: boolean;
  /** `HOST:PORT` → the address to connect to instead. */
  readonly resolve: ReadonlyMap<string, string>;
}

/** Parses curl's arguments (short flags may be combined: `-kv`, `-si`). */
export function curlArgs(argv: readonly string[]): CurlArgs {
  const headers: Record<string, string> = {};
  const resolve = new Map<string, string>();
  let url = '';
  let method = 'GET';
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-H' || a === '--header') {
      const [k, ...v] = (argv[++i] ?? '').split(':');
      headers[k?.trim() ?? ''] = v.join(':').trim();
    } else if (a === '-X' || a === '--request') method = argv[++i] ?? method;
    else if (a === '--resolve') {
      const [host, port, ...addr] = (argv[++i] ?? '').split(':');
      resolve.set(`${host?.toLowerCase()}:${port}`, addr.join(':'));
    } else if (a === '--include') flags.add('i');
    else if (a === '--insecure') flags.add('k');
    else if (a === '--silent') flags.add('s');
    else if (a === '--verbose') flags.add('v');
    else if (/^-[a-zA-Z]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else if (a.startsWith('-')) throw new Error(`The example harness's curl does not know "${a}"`);
    else url = a;
  }
  for (const f of flags)
    if (!'sikv'.includes(f)) throw new Error(`The example harness's curl does not know "-${f}"`);
  return {
    url,
    method,
    headers,
    include: flags.has('i'),
    insecure: flags.has('k'),
    verbose: flags.has('v'),
    resolve,
  };
}

/** What one curl run printed. */
export interface CurlOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Sends the request curl would send and returns what curl would print. */
export function curl(args: CurlArgs): Promise<CurlOutput> {
  const target = new URL(args.url);
  const https = target.protocol === 'https:';
  const port = target.port || (https ? '443' : '80');
  const name = target.hostname;
  const address = args.resolve.get(`${name.toLowerCase()}:${port}`) ?? name;
  let socket: Socket | undefined;
  const options = {
    method: args.method,
    host: address,
    port: Number(port),
    path: `${target.pathname}${target.search}`,
    // What curl sends: Host, its User-Agent and Accept, and nothing else unless asked.
    headers: { Host: target.host, 'User-Agent': 'curl/8.5.0', Accept: '*/*', ...args.headers },
    // A connection of its own for every request (curl's), without the `Connection`
    // header Node's client always adds and curl never sends.
    createConnection: () => {
      socket = https
        ? // curl sends no SNI for an address.
          tlsConnect({
            host: address,
            port: Number(port),
            ...(isIP(name) ? {} : { servername: name }),
            rejectUnauthorized: !args.insecure,
          })
        : netConnect({ host: address, port: Number(port) });
      withoutConnectionHeader(socket);
      return socket;
    },
  };
  return new Promise<CurlOutput>((resolve, reject) => {
    let stderr = '';
    const req = (https ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ stdout: args.include ? `${responseHead(res)}${body}` : body, stderr });
      });
      res.on('error', reject);
    });
    if (https && args.verbose)
      req.on('socket', (s) => s.once('secureConnect', () => (stderr += certificateLines(s as TLSSocket))));
    req.on('error', reject);
    req.end();
  }).finally(() => socket?.destroy());
}

/** Drops the `Connection` line from the request head, the first thing written to the socket. */
function withoutConnectionHeader(socket: Socket): void {
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    socket.write = write as Socket['write'];
    const text =
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('latin1') : undefined;
    if (text === undefined || !text.includes('\r\n\r\n')) return write(chunk, ...rest);
    const head = text.replace(/\r\nConnection: (?:keep-alive|close)(?=\r\n)/i, '');
    return write(typeof chunk === 'string' ? head : Buffer.from(head, 'latin1'), ...rest);
  }) as Socket['write'];
}

/** The status line and headers as received, as `curl -i` prints them. */
function responseHead(res: IncomingMessage): string {
  let head = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n`;
  for (let i = 0; i < res.rawHeaders.length; i += 2)
    head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/** The server-certificate lines of `curl -v` (OpenSSL backend, `-k`). */
function certificateLines(socket: TLSSocket): string {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return '';
  const dn = (text: string) => text.split('\n').join('; ');
  const date = (text: string) => {
    const d = new Date(text);
    const mon = d.toUTCString().slice(8, 11);
    const day = String(d.getUTCDate()).padStart(2, ' ');
    return `${mon} ${day} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()} GMT`;
  };
  return [
    '* Server certificate:',
    `*  subject: ${dn(cert.subject)}`,
    `*  start date: ${date(cert.validFrom)}`,
    `*  expire date: ${date(cert.validTo)}`,
    `*  issuer: ${dn(cert.issuer)}`,
    '',
  ].join('\n');
}

/** `grep [-E] [-i] [-v] PATTERN` over `text`, for the pipes READMEs use. */
export function grep(text: string, argv: readonly string[], command: string): string {
  if (argv[0] !== 'grep') throw new Error(`The example harness pipes only into grep: "${command}"`);
  const flags = argv
    .slice(1)
    .filter((a) => a.startsWith('-'))
    .join('');
  const pattern = argv.slice(1).find((a) => !a.startsWith('-'));
  if (pattern === undefined || /[^-Eiv]/.test(flags))
    throw new Error(`The harness's grep does not run "${command}"`);
  // -E's alternation and groups read the same in JavaScript; basic grep's `\|` is its `|`.
  const source = flags.includes('E') ? pattern : pattern.replace(/\\\|/g, '|');
  const re = new RegExp(source, flags.includes('i') ? 'i' : '');
  const lines = text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
  const kept = lines.filter((l) => re.test(l) !== flags.includes('v'));
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
