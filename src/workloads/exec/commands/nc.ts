/**
 * `nc` over the emulated network, as OpenBSD netcat (agnhost, netshoot) or
 * busybox prints it: `nc -zv HOST PORT` (`Connection to HOST PORT port [tcp/http]
 * succeeded!` / `nc: connect to HOST port PORT (tcp) failed: Connection
 * refused`), and plain `nc HOST PORT` sending stdin and printing the reply.
 * `-u` sends one datagram. Listening (`-l`) is not offered.
 */
import type { Duplex } from 'node:stream';
import { type CommandContext, type CommandImpl, execSleep, untilAborted } from '../context.js';
import { connectFromPod, isIpLiteral, podDataplaneAddress, resolveName } from '../net.js';

/** /etc/services names for common ports (alpine's file). */
const SERVICES: Record<number, string> = {
  21: 'ftp',
  22: 'ssh',
  25: 'smtp',
  53: 'domain',
  80: 'http',
  443: 'https',
  3306: 'mysql',
  5432: 'postgresql',
  6379: 'redis',
  8080: 'http-alt',
  27017: 'mongodb',
};

function collect(c: CommandContext, socket: Duplex, idleMs: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    let timer = c.system.clock.setTimeout(done, idleMs);
    function done() {
      socket.destroy();
      resolve(text);
    }
    socket.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      c.system.clock.clearTimeout(timer);
      timer = c.system.clock.setTimeout(done, idleMs);
    });
    socket.on('end', () => {
      c.system.clock.clearTimeout(timer);
      done();
    });
    socket.on('error', () => {
      c.system.clock.clearTimeout(timer);
      done();
    });
  });
}

export const nc: CommandImpl = async (c) => {
  const flags = new Set<string>();
  let verbosity = 0;
  let waitS: number | undefined;
  const operands: string[] = [];
  const args = c.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        if (a[j] === 'w') {
          waitS = Number(j + 1 < a.length ? a.slice(j + 1) : args[++i]);
          break;
        }
        if (a[j] === 'v') verbosity++;
        flags.add(a[j] ?? '');
      }
    } else operands.push(a);
  }
  const openbsd = c.system.tools.nc === 'openbsd';
  if (flags.has('l')) {
    c.err('nc: listening is not available in simulated containers\n');
    return 1;
  }
  const [host, portText] = operands;
  const port = Number(portText);
  if (host === undefined || !(port > 0 && port < 65536)) {
    c.err(
      openbsd
        ? 'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n'
        : 'BusyBox v1.36.1 multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n',
    );
    return 1;
  }
  let ip = host;
  if (!isIpLiteral(host)) {
    const r = await resolveName(c.system, host);
    if (!r) {
      c.err(
        openbsd
          ? `nc: getaddrinfo for host "${host}" port ${port}: Name does not resolve\n`
          : `nc: bad address '${host}'\n`,
      );
      return 1;
    }
    ip = r.addresses[0] ?? '';
  }
  const verbose = flags.has('v');
  if (flags.has('u')) {
    const address = podDataplaneAddress(ip);
    if (address === 'ENETUNREACH') {
      c.err(
        openbsd
          ? `nc: connect to ${host} port ${port} (udp) failed: Network is unreachable\n`
          : verbose
            ? `nc: ${host} (${ip.includes(':') ? `[${ip}]` : ip}:${port}): Network is unreachable\n`
            : '',
      );
      return 1;
    }
    const reply = await untilAborted(
      c.system,
      c.system.network.udpRequest(address, port, Buffer.from(c.stdin), (waitS ?? 2) * 1000),
    );
    if (verbose && openbsd)
      c.err(`Connection to ${host} ${port} port [udp/${SERVICES[port] ?? '*'}] succeeded!\n`);
    if (reply) c.out(reply.toString('utf8'));
    return 0;
  }
  // busybox (nc_bloaty.c) names the peer as xmalloc_sockaddr2dotted does: `IP:PORT`, `[v6]:PORT`.
  const dotted = `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
  // busybox prints its byte counts at -vv, whatever the outcome.
  const counts = (sent: number, rcvd: number) => {
    if (!openbsd && verbosity > 1) c.err(`sent ${sent}, rcvd ${rcvd}\n`);
  };
  // Without -w, the kernel's connect timeout: tcp_syn_retries=6 gives up after 1+2+…+64 = 127 s.
  const socket = await connectFromPod(c.system, ip, port, waitS === undefined ? 127_000 : waitS * 1000);
  if (typeof socket === 'string') {
    if (openbsd) {
      if (verbose) {
        const why = ERRNO_TEXT[socket];
        c.err(
          socket === 'ETIMEDOUT'
            ? `nc: connect to ${host} port ${port} (tcp) timed out: Operation now in progress\n`
            : `nc: connect to ${host} port ${port} (tcp) failed: ${why}\n`,
        );
      }
    } else if (verbosity > 1 || (verbose && socket !== 'ECONNREFUSED')) {
      // One -v keeps a refused probe quiet (port scans); -vv shows everything.
      c.err(`nc: ${host} (${dotted}): ${ERRNO_TEXT[socket]}\n`);
    }
    counts(0, 0);
    return 1;
  }
  if (verbose) {
    c.err(
      openbsd
        ? `Connection to ${host} ${port} port [tcp/${SERVICES[port] ?? '*'}] succeeded!\n`
        : `${host} (${dotted}) open\n`,
    );
  }
  if (flags.has('z')) {
    socket.destroy();
    counts(0, 0);
    return 0;
  }
  const reply = collect(c, socket, (waitS ?? 2) * 1000);
  if (c.stdin !== '') socket.write(c.stdin);
  if (flags.has('N') || !openbsd) socket.end();
  const text = await untilAborted(c.system, reply);
  c.out(text);
  await execSleep(c.system, 0);
  counts(Buffer.byteLength(c.stdin), Buffer.byteLength(text));
  return 0;
};

/** strerror() of the connect failures. */
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
};
