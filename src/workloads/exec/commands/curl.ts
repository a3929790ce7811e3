/**
 * In-pod `curl` (the image's version: curlimages/curl's tag, else 8.5.0) over the emulated network: real HTTP/1.1 requests
 * through the pod's `PodNetwork`, curl's output (`-i`, `-v` trace, `-w`,
 * `-o`, the progress meter on stderr when not `-s`) and its error texts and exit
 * codes (`curl: (7) Failed to connect…`, 6, 22, 28, 52, 56).
 */
import type { HttpResponse } from '../../http/client.js';
import type { CommandContext, CommandImpl } from '../context.js';
import { connectFromPod, httpExchange, isIpLiteral, parseHttpUrl, resolveName } from '../net.js';
import { curlVersionFor } from '../toolset.js';
import { resolvePath } from '../vfs.js';
import {
  type CurlOptions,
  curlRequestHead,
  curlWarning,
  DEFAULT_CURL_VERSION,
  parseCurlArgs,
  resolveCurlData,
} from './curl-options.js';

/** Release dates of the versions netkube knows (`curl --version` prints them). */
const RELEASE_DATES: Record<string, string> = {
  '8.5.0': '2023-12-06',
  '8.10.1': '2024-09-18',
};

/** The version of curl in this container. */
function versionOf(c: CommandContext): string {
  return curlVersionFor(c.system.image, DEFAULT_CURL_VERSION);
}

/**
 * `curl --version`: the first line as curl's tool prints it (`curl V (HOST)`
 * then libcurl's version string) and the release date. netkube prints libcurl's
 * own entry only, not the TLS/compression libraries after it, nor the
 * Protocols/Features lines (they depend on the image's build).
 */
function versionText(c: CommandContext): string {
  const v = versionOf(c);
  const host = c.system.tools.utils === 'busybox' ? 'x86_64-pc-linux-musl' : 'x86_64-pc-linux-gnu';
  const date = RELEASE_DATES[v];
  return `curl ${v} (${host}) libcurl/${v}\n${date ? `Release-Date: ${date}\n` : ''}`;
}

interface Transfer {
  readonly response: HttpResponse;
  readonly remoteIp: string;
  readonly port: number;
  readonly url: string;
}

type Outcome = Transfer | { readonly code: number; readonly message: string };

function elapsed(c: CommandContext, start: number): number {
  return c.system.clock.now() - start;
}

async function fetchOnce(c: CommandContext, o: CurlOptions, url: string, start: number): Promise<Outcome> {
  const u = parseHttpUrl(url);
  if (!u) return { code: 3, message: `URL rejected: Malformed input to a URL function` };
  if (u.scheme !== 'http' && u.scheme !== 'https') {
    return { code: 1, message: `Protocol "${u.scheme}" not supported` };
  }
  const verbose = (t: string) => o.verbose && c.err(t);
  let ip = u.host;
  if (!isIpLiteral(u.host)) {
    const r = await resolveName(c.system, u.host);
    if (!r) return { code: 6, message: `Could not resolve host: ${u.host}` };
    ip = r.addresses[0] ?? '';
    verbose(`* Host ${u.host}:${u.port} was resolved.\n* IPv6: (none)\n* IPv4: ${r.addresses.join(', ')}\n`);
  }
  const shownIp = ip.includes(':') ? `[${ip}]` : ip;
  verbose(`*   Trying ${shownIp}:${u.port}...\n`);
  const connectTimeout = o.connectTimeoutMs ?? o.maxTimeMs ?? 300_000;
  const socket = await connectFromPod(c.system, ip, u.port, connectTimeout);
  if (typeof socket === 'string') {
    const after = elapsed(c, start);
    if (socket === 'ETIMEDOUT') {
      return o.connectTimeoutMs !== undefined
        ? { code: 28, message: `Connection timed out after ${after} milliseconds` }
        : {
            code: 28,
            message: `Failed to connect to ${u.host} port ${u.port} after ${after} ms: Timeout was reached`,
          };
    }
    // curl 8 ends this with curl_easy_strerror(CURLE_COULDNT_CONNECT), whatever the errno.
    return {
      code: 7,
      message: `Failed to connect to ${u.host} port ${u.port} after ${after} ms: Couldn't connect to server`,
    };
  }
  verbose(`* Connected to ${u.host} (${ip}) port ${u.port}\n`);
  if (u.scheme === 'https') {
    socket.destroy();
    return { code: 35, message: 'OpenSSL/3.1.4: error:0A00010B:SSL routines::wrong version number' };
  }
  const method = o.method ?? (o.head ? 'HEAD' : o.data !== undefined ? 'POST' : 'GET');
  const head = curlRequestHead(o, method, u.target, u.hostHeader, versionOf(c));
  for (const line of head) verbose(`> ${line}\n`);
  verbose('> \n');
  const request = Buffer.concat([
    Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'),
    Buffer.from(o.data ?? ''),
  ]);
  const timeout = o.maxTimeMs === undefined ? 300_000 : Math.max(0, o.maxTimeMs - elapsed(c, start));
  const res = await httpExchange(c.system, socket, request, {
    method: o.head ? 'HEAD' : method,
    timeoutMs: timeout,
  });
  if (!('status' in res)) {
    switch (res.code) {
      case 'EMPTY':
        return { code: 52, message: 'Empty reply from server' };
      case 'ECONNRESET':
        return { code: 56, message: 'Recv failure: Connection reset by peer' };
      case 'ETIMEDOUT':
        return {
          code: 28,
          message: `Operation timed out after ${elapsed(c, start)} milliseconds with ${res.received} bytes received`,
        };
      case 'EPROTO':
        return { code: 8, message: 'Weird server reply' };
    }
  }
  if (o.verbose) {
    for (const line of res.rawHead.split('\r\n')) c.err(`< ${line}\n`);
    c.err('< \n');
    if (res.body.length > 0) c.err(`{ [${res.body.length} bytes data]\n`);
  }
  return { response: res, remoteIp: ip, port: u.port, url };
}

function formatSize(n: number): string {
  if (n < 100_000) return String(n);
  if (n < 10 * 1024 * 1024) return `${Math.round(n / 1024)}k`;
  return `${Math.round(n / 1024 / 1024)}M`;
}

function progress(total: number, ms: number): string {
  const speed = formatSize(Math.round(total / Math.max(ms / 1000, 0.001)));
  const t = formatSize(total);
  return (
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
    '                                 Dload  Upload   Total   Spent    Left  Speed\n' +
    `\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0` +
    `\r100 ${t.padStart(5)}  100 ${t.padStart(5)}    0     0 ${speed.padStart(6)}      0 --:--:-- --:--:-- --:--:-- ${speed.padStart(6)}\n`
  );
}

function writeOut(format: string, t: Transfer, ms: number): string {
  const vars: Record<string, string> = {
    http_code: String(t.response.status).padStart(3, '0'),
    response_code: String(t.response.status),
    time_total: (ms / 1000).toFixed(6),
    remote_ip: t.remoteIp,
    remote_port: String(t.port),
    size_download: String(t.response.body.length),
    url_effective: t.url,
    content_type: t.response.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '',
  };
  return format
    .replace(/%\{([a-z_]+)\}/g, (m, k: string) => vars[k] ?? m)
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t');
}

/** `curl [options] URL…` */
export const curl: CommandImpl = async (c) => {
  const parsed = parseCurlArgs(c.argv.slice(1));
  if (!parsed.ok) {
    c.err(parsed.message);
    return parsed.code;
  }
  if (parsed.options.version) {
    c.out(versionText(c));
    return 0;
  }
  const o: CurlOptions = {
    ...parsed.options,
    data: resolveCurlData(
      parsed.options.dataParts,
      (path) => {
        if (path === '-') return c.stdin;
        const r = c.system.fs.read(resolvePath(path, c.cwd));
        return typeof r === 'string' ? undefined : r.toString('utf8');
      },
      (message) => {
        if (!parsed.options.silent) c.err(curlWarning(message));
      },
    ),
  };
  const start = c.system.clock.now();
  let url = o.urls[0] ?? '';
  let out = '';
  let result: Outcome = { code: 3, message: 'no URL' };
  for (let hop = 0; hop < 50; hop++) {
    result = await fetchOnce(c, o, url, start);
    if (!('response' in result)) break;
    const location = result.response.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
    if (o.include || o.head) out += `${result.response.rawHead}\r\n\r\n`;
    if (!o.location || !location || result.response.status < 300 || result.response.status > 399) break;
    const base = parseHttpUrl(url);
    url = /^[a-z]+:\/\//i.test(location)
      ? location
      : `http://${base?.hostHeader ?? ''}${location.startsWith('/') ? '' : '/'}${location}`;
    if (o.verbose) c.err(`* Issue another request to this URL: '${url}'\n`);
  }
  if (!('response' in result)) {
    if (!o.silent) c.err(progress(0, elapsed(c, start)).replace(/\r100.*\n$/, '\n'));
    if (!o.silent || o.showError) c.err(`curl: (${result.code}) ${result.message}\n`);
    return result.code;
  }
  const res = result.response;
  if (o.fail && res.status >= 400) {
    if (!o.silent || o.showError) c.err(`curl: (22) The requested URL returned error: ${res.status}\n`);
    return 22;
  }
  const body = o.head ? '' : res.body.toString('utf8');
  const payload = out + body;
  if (o.output === undefined || o.output === '-') c.out(payload);
  else if (o.output !== '/dev/null')
    c.system.fs.write(o.output.startsWith('/') ? o.output : `${c.cwd}/${o.output}`, payload);
  if (!o.silent) c.err(progress(res.body.length, elapsed(c, start)));
  if (o.verbose) c.err(`* Connection #0 to host ${parseHttpUrl(url)?.host ?? ''} left intact\n`);
  if (o.writeOut !== undefined) c.out(writeOut(o.writeOut, result, elapsed(c, start)));
  return 0;
};
