/**
 * busybox `wget` over the emulated network: `wget -qO- URL`, `-O file`, `-T`,
 * `--spider`, `-S`; busybox's request (`User-Agent: Wget`, `Connection: close`)
 * and messages (`Connecting to …`, `wget: server returned error: HTTP/1.1 404 Not
 * Found`, `wget: can't connect to remote host (…): Connection refused`).
 */
import type { CommandImpl } from '../context.js';
import { connectFromPod, httpExchange, isIpLiteral, parseHttpUrl, resolveName } from '../net.js';

export const wget: CommandImpl = async (c) => {
  let quiet = false;
  let output: string | undefined;
  let timeoutMs = 900_000;
  let spider = false;
  let serverResponse = false;
  const urls: string[] = [];
  const args = c.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--spider') spider = true;
    else if (a.startsWith('--output-document=')) output = a.slice(18);
    else if (a.startsWith('--timeout=')) timeoutMs = Number(a.slice(10)) * 1000;
    else if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if (f === 'q') quiet = true;
        else if (f === 'S') serverResponse = true;
        else if (f === 'O' || f === 'T') {
          const v = j + 1 < a.length ? a.slice(j + 1) : (args[++i] ?? '');
          if (f === 'O') output = v;
          else timeoutMs = Number(v) * 1000;
          break;
        }
      }
    } else urls.push(a);
  }
  const url = urls[0];
  const u = url === undefined ? undefined : parseHttpUrl(url);
  if (u?.scheme !== 'http') {
    c.err(
      url === undefined
        ? 'BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n'
        : `wget: not an http or ftp url: ${url}\n`,
    );
    return 1;
  }
  let ip = u.host;
  if (!isIpLiteral(u.host)) {
    const r = await resolveName(c.system, u.host);
    if (!r) {
      c.err(`wget: bad address '${u.host}'\n`);
      return 1;
    }
    ip = r.addresses[0] ?? '';
  }
  const toStdout = output === '-';
  const file = output ?? (u.target.split('?')[0]?.split('/').pop() || 'index.html');
  if (!quiet)
    c.err(
      `Connecting to ${/:\d+$/.test(u.hostHeader) ? u.hostHeader : `${u.hostHeader}:${u.port}`} (${ip.includes(':') ? `[${ip}]` : ip}:${u.port})\n`,
    );
  const socket = await connectFromPod(c.system, ip, u.port, timeoutMs);
  if (typeof socket === 'string') {
    c.err(
      socket === 'ETIMEDOUT'
        ? 'wget: download timed out\n'
        : `wget: can't connect to remote host (${ip}): ${socket === 'ECONNREFUSED' ? 'Connection refused' : socket === 'ENETUNREACH' ? 'Network is unreachable' : 'No route to host'}\n`,
    );
    return 1;
  }
  const method = spider ? 'HEAD' : 'GET';
  const request = `${method} ${u.target} HTTP/1.1\r\nHost: ${u.hostHeader}\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n`;
  const res = await httpExchange(c.system, socket, Buffer.from(request, 'latin1'), { method, timeoutMs });
  if (!('status' in res)) {
    c.err(
      res.code === 'ETIMEDOUT'
        ? 'wget: download timed out\n'
        : res.code === 'ECONNRESET'
          ? 'wget: error getting response: Connection reset by peer\n'
          : 'wget: error getting response\n',
    );
    return 1;
  }
  if (serverResponse) for (const line of res.rawHead.split('\r\n')) c.err(`  ${line}\n`);
  if (res.status >= 400 || res.status < 200) {
    c.err(`wget: server returned error: ${res.rawHead.split('\r\n')[0]}\n`);
    return 1;
  }
  if (spider) {
    if (!quiet) c.err('remote file exists\n');
    return 0;
  }
  const size = res.body.length;
  if (toStdout) {
    if (!quiet) c.err('writing to stdout\n');
    c.out(res.body.toString('utf8'));
  } else {
    if (!quiet) c.err(`saving to '${file}'\n`);
    c.system.fs.write(file.startsWith('/') ? file : `${c.cwd}/${file}`, res.body);
  }
  if (!quiet) {
    const name = toStdout ? '-' : file;
    c.err(
      `${name.padEnd(20).slice(0, 20)} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\n`,
    );
    c.err(toStdout ? 'written to stdout\n' : `'${file}' saved\n`);
  }
  return 0;
};
