/**
 * Forwarding of names outside the cluster zone (CoreDNS `forward . /etc/resolv.conf`):
 * the raw query goes to the host's first nameserver over UDP and the reply comes
 * back unchanged, so `dig @netkube-dns example.com MX` behaves as on a node.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

/** Nameservers of the host's /etc/resolv.conf (IPv4 only), or Google's if none is readable. */
export function hostNameservers(path = '/etc/resolv.conf'): string[] {
  try {
    const servers = readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(l)?.[1])
      .filter((s): s is string => Boolean(s));
    return servers.length ? servers : ['8.8.8.8'];
  } catch {
    return ['8.8.8.8'];
  }
}

/**
 * Sends a raw DNS query upstream over UDP; resolves with the raw reply, or
 * undefined on timeout or error. `server` is an address (port 53) or
 * `address:port`.
 */
export function forwardQuery(query: Buffer, server: string, timeoutMs = 2000): Promise<Buffer | undefined> {
  const [, host = server, port = '53'] = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(server) ?? [];
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    let finished = false;
    const done = (reply: Buffer | undefined) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('message', (msg) => done(msg));
    try {
      socket.send(query, Number(port), host, (err) => {
        if (err) done(undefined);
      });
    } catch {
      done(undefined);
    }
  });
}
