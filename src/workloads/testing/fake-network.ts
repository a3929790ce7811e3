/**
 * A `PodNetwork` for tests and benchmarks that delivers straight to pod
 * sandboxes, the way the dataplane does without its rules: a connection to a pod
 * IP (or a name from `names`) goes through `PodSandbox.deliver` over an in-memory
 * socket pair carrying the virtual tuple; nothing listening means ECONNREFUSED.
 * `127.0.0.1` and the pod's own IP reach its own sandbox.
 */
import type { Duplex } from 'node:stream';
import type { PodSandboxRegistry } from '../sandbox.js';
import type { PodNetwork } from '../types.js';
import { socketPair } from './socket-pair.js';

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

export interface FakeNetworkOptions {
  readonly registry: PodSandboxRegistry;
  /** The pod's own IP (source address, and where 127.0.0.1 leads). */
  readonly sourceIP: string;
  /** Absolute DNS names (no trailing dot) → addresses. */
  readonly names?: ReadonlyMap<string, readonly string[]>;
  /** Addresses that time out instead of refusing. */
  readonly blackholes?: ReadonlySet<string>;
}

let nextPort = 40000;

/** Builds the network of one pod. */
export function fakePodNetwork(options: FakeNetworkOptions): PodNetwork {
  const resolve = (name: string): Promise<string[]> => {
    const key = name.replace(/\.$/, '');
    const found = options.names?.get(key);
    return found
      ? Promise.resolve([...found])
      : Promise.reject(errno('ENOTFOUND', `getaddrinfo ENOTFOUND ${key}`));
  };
  const target = (ip: string) => (ip === '127.0.0.1' || ip === 'localhost' ? options.sourceIP : ip);
  return {
    async connect(host: string, port: number): Promise<Duplex> {
      const ip =
        /^[\d.]+$/.test(host) || host === 'localhost' ? target(host) : ((await resolve(host))[0] ?? '');
      if (options.blackholes?.has(ip)) throw errno('ETIMEDOUT', `connect ETIMEDOUT ${ip}:${port}`);
      const sandbox = options.registry.get(ip);
      if (!sandbox) throw errno('EHOSTUNREACH', `connect EHOSTUNREACH ${ip}:${port}`);
      nextPort = nextPort >= 60000 ? 40000 : nextPort + 1;
      const { client, server } = socketPair(
        { address: options.sourceIP, port: nextPort },
        { address: ip, port },
      );
      const src = host === '127.0.0.1' || host === 'localhost' ? '127.0.0.1' : options.sourceIP;
      const result = sandbox.deliver({
        socket: server,
        tuple: {
          protocol: 'TCP',
          srcIP: src,
          srcPort: nextPort,
          dstIP: src === '127.0.0.1' ? '127.0.0.1' : ip,
          dstPort: port,
        },
      });
      if (!result.delivered) {
        client.destroy();
        server.destroy();
        throw errno('ECONNREFUSED', `connect ECONNREFUSED ${ip}:${port}`);
      }
      return client;
    },
    async udpRequest(host: string, port: number, payload: Buffer): Promise<Buffer | undefined> {
      const ip = /^[\d.]+$/.test(host) ? target(host) : ((await resolve(host))[0] ?? '');
      const sandbox = options.registry.get(ip);
      if (!sandbox) return undefined;
      return new Promise((resolvePromise) => {
        nextPort = nextPort >= 60000 ? 40000 : nextPort + 1;
        const tuple = {
          protocol: 'UDP' as const,
          srcIP: options.sourceIP,
          srcPort: nextPort,
          dstIP: ip,
          dstPort: port,
        };
        const delivered = sandbox.deliverDatagram(payload, tuple, (data) => resolvePromise(data));
        if (!delivered) resolvePromise(undefined);
        else setTimeout(() => resolvePromise(undefined), 50).unref();
      });
    },
    resolve,
  };
}
