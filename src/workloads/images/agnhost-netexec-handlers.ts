/**
 * netexec's `/dial`, `/shell` and `/upload`. `/dial` makes its HTTP or UDP
 * requests from the pod through `ctx.network` (so they take the emulated
 * Service and pod paths) with Go's client behaviour and error texts; `/shell`
 * runs the safe in-pod command set, never a host command.
 */
import { randomInt } from 'node:crypto';
import { extrasOf } from '../app-extras.js';
import { goAtoi, goAtoiError, goJson, goQuote } from '../go/format.js';
import { headerValue, readHttpResponse } from '../http/client.js';
import { firstValue, type GoRequest, goParseQuery, joinHostPort } from '../http/go-request.js';
import { type GoResponseWriter, goError } from '../http/go-response.js';
import type { Netexec } from './agnhost-netexec.js';

const DIAL_TIMEOUT_MS = 5000;

async function resolveHost(app: Netexec, host: string): Promise<string | { error: string }> {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return host;
  if (host === '') return '';
  try {
    const ips = await app.network.resolve(host);
    return ips[0] ?? { error: `lookup ${host} on 10.96.0.10:53: no such host` };
  } catch {
    return { error: `lookup ${host} on 10.96.0.10:53: no such host` };
  }
}

/** One `dialHTTP`: GET http://addr/request with Go's client (5 s timeout, redirects followed). */
async function dialHttp(app: Netexec, addr: string, request: string): Promise<string | { error: string }> {
  let url = `http://${addr}/${request}`;
  const started = app.context.clock.now();
  for (let hop = 0; hop < 10; hop++) {
    const m = /^http:\/\/([^/]+)(\/.*)?$/.exec(url);
    const hostPort = m?.[1] ?? addr;
    const target = m?.[2] ?? '/';
    const [host = '', portText = '80'] = hostPort.startsWith('[')
      ? [hostPort.slice(1, hostPort.indexOf(']')), hostPort.split(']:')[1]]
      : hostPort.split(':');
    const remaining = DIAL_TIMEOUT_MS - (app.context.clock.now() - started);
    const prefix = `Get ${goQuote(url)}: `;
    let socket: import('node:stream').Duplex;
    try {
      socket = await app.network.connect(host, Number(portText), { timeoutMs: remaining });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ECONNREFUSED'
          ? 'connect: connection refused'
          : code === 'EHOSTUNREACH'
            ? 'connect: no route to host'
            : 'i/o timeout';
      if (code === 'ETIMEDOUT')
        return {
          error: `${prefix}context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        };
      return { error: `${prefix}dial tcp ${hostPort}: ${why}` };
    }
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: ${hostPort}\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n`,
    );
    try {
      const res = await readHttpResponse(socket, {
        method: 'GET',
        clock: app.context.clock,
        headTimeoutMs: remaining,
      });
      const location = headerValue(res, 'Location');
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        url = location.startsWith('/') ? `http://${hostPort}${location}` : location;
        continue;
      }
      return res.body.toString('utf8');
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ETIMEDOUT')
        return {
          error: `${prefix}context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        };
      if (code === 'ECONNRESET')
        return {
          error: `${prefix}read tcp ${app.context.pod.ip}:${randomInt(32768, 60999)}->${hostPort}: read: connection reset by peer`,
        };
      return { error: `${prefix}EOF` };
    } finally {
      socket.destroy();
    }
  }
  return { error: `Get ${goQuote(url)}: stopped after 10 redirects` };
}

async function dialUdp(
  app: Netexec,
  host: string,
  port: number,
  request: string,
): Promise<string | { error: string }> {
  const reply = await app.network.udpRequest(host, port, Buffer.from(request), DIAL_TIMEOUT_MS);
  if (reply && reply.length > 0) return reply.subarray(0, 2048).toString('utf8');
  const local = `${app.context.pod.ip}:${randomInt(32768, 60999)}`;
  return {
    error: `reading from udp connection failed. err:'read udp ${local}->${joinHostPort(host, port)}: i/o timeout'`,
  };
}

/** `/dial?host=&port=&request=&protocol=&tries=`. */
export async function netexecDial(app: Netexec, w: GoResponseWriter, r: GoRequest): Promise<void> {
  const q = goParseQuery(r.rawQuery);
  const [host, port, request, protocol, tryParam] = ['host', 'port', 'request', 'protocol', 'tries'].map(
    (k) => firstValue(q, k),
  );
  app.log(`GET /dial?host=${host}&protocol=${protocol}&port=${port}&request=${request}&tries=${tryParam}`);
  let tries = 1;
  if ((tryParam ?? '') !== '') {
    const n = goAtoi(tryParam ?? '');
    if (n === undefined) {
      goError(w, `tries parameter is invalid. ${goAtoiError(tryParam ?? '')}`, 400);
      return;
    }
    tries = n;
  }
  if (!request) {
    goError(w, 'request parameter not specified. <nil>', 400);
    return;
  }
  const proto = (protocol ?? '').toLowerCase();
  if (!['', 'http', 'udp', 'sctp'].includes(proto)) {
    goError(w, `unsupported protocol. ${protocol}`, 400);
    return;
  }
  const portNumber = Number(port);
  if (!/^\d+$/.test(port ?? '') || portNumber > 65535) {
    goError(
      w,
      `host and/or port param are invalid. address ${joinHostPort(host ?? '', port ?? '')}: ${port === '' ? 'missing port in address' : `unknown port`}`,
      400,
    );
    return;
  }
  const ip = await resolveHost(app, host ?? '');
  if (typeof ip !== 'string') {
    goError(w, `host and/or port param are invalid. ${ip.error}`, 400);
    return;
  }
  const addr = joinHostPort(ip, portNumber);
  const responses: string[] = [];
  const errors: string[] = [];
  let last = '';
  for (let i = 0; i < tries; i++) {
    const result =
      proto === 'udp'
        ? await dialUdp(app, ip, portNumber, request)
        : proto === 'sctp'
          ? { error: `sctp dial failed. err:dial sctp ${addr}: socket: protocol not supported` }
          : await dialHttp(app, addr, request);
    if (typeof result === 'string') {
      responses.push(result);
      last = result;
    } else {
      errors.push(result.error);
      last = '';
    }
  }
  const output: Record<string, string[]> = {};
  if (errors.length > 0) output.errors = errors;
  if (last.length > 0) output.responses = responses;
  w.write(goJson(output));
}

/** `/shell?cmd=` (or `shellCommand=`): `/bin/sh -c` with the safe command set; always 200. */
export async function netexecShell(app: Netexec, w: GoResponseWriter, cmd: string): Promise<void> {
  app.log(`GET /shell?cmd=${cmd}`);
  const extras = extrasOf(app.context);
  const result = extras
    ? await extras.shell(cmd)
    : { combined: `/bin/sh: ${cmd.split(' ')[0] ?? ''}: not found\n`, exitCode: 127 };
  const output: Record<string, string> = {};
  if (result.exitCode !== 0)
    output.error = result.exitCode === 137 ? 'signal: killed' : `exit status ${result.exitCode}`;
  if (result.combined.length > 0) output.output = result.combined;
  const mapText = Object.entries(output)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  app.log(`Output: map[${mapText}]`);
  w.write(goJson(output));
}

/** `/upload` (multipart field `file`): stored under /uploads in the container's filesystem. */
export function netexecUpload(app: Netexec, w: GoResponseWriter, r: GoRequest, body: Buffer): void {
  app.log('GET /upload');
  const type = r.header.get('Content-Type')?.[0] ?? '';
  const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
  const file = boundary ? multipartFile(body, boundary) : undefined;
  const extras = extrasOf(app.context);
  if (!file || !extras) {
    app.log('Unable to upload file: http: no such file');
    w.write(goJson({ error: 'Unable to upload file.' }));
    return;
  }
  const name = `/uploads/upload${randomInt(1, 4294967295)}`;
  extras.fs().mkdir('/uploads', true);
  extras.fs().write(name, file);
  app.log(`Wrote upload to ${name}`);
  w.writeHeader(201);
  w.write(goJson({ output: name }));
}

function multipartFile(body: Buffer, boundary: string): Buffer | undefined {
  const delimiter = `--${boundary}`;
  const text = body.toString('latin1');
  for (const part of text.split(delimiter)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    if (!/content-disposition:[^\r\n]*name="file"/i.test(headers)) continue;
    const content = part.slice(headerEnd + 4).replace(/\r\n$/, '');
    return Buffer.from(content, 'latin1');
  }
  return undefined;
}
