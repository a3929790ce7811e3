/**
 * UDP for the connection executor (`connections.ts`): one datagram out and
 * the first reply back, to the app bound in a pod (through its sandbox, with
 * the tuple after NAT) or to a destination on the host (a real socket).
 */
import { createSocket } from 'node:dgram';
import type { Clock } from '../util/clock.js';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { PathPlan } from './path.js';

/**
 * One UDP exchange with the app bound in the pod with `podIP`: delivers
 * `payload` with the tuple the pod sees (`plan.seen`) and resolves with the
 * first reply, or undefined when nothing takes it or after `timeoutMs`.
 */
export function udpToPod(
  config: { readonly sandboxes: PodSandboxRegistry; readonly clock: Clock },
  podIP: string,
  plan: PathPlan,
  payload: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const timer = config.clock.setTimeout(() => resolve(undefined), timeoutMs);
    const accepted = config.sandboxes.get(podIP)?.deliverDatagram(
      payload,
      {
        protocol: 'UDP',
        srcIP: plan.seen.src.ip,
        srcPort: plan.seen.src.port,
        dstIP: plan.seen.dst.ip,
        dstPort: plan.seen.dst.port,
      },
      (data) => {
        config.clock.clearTimeout(timer);
        resolve(data);
      },
    );
    if (!accepted) {
      config.clock.clearTimeout(timer);
      resolve(undefined);
    }
  });
}

/**
 * One UDP exchange with a host destination from a fresh socket: resolves
 * with the first reply, or undefined on a socket error or after `timeoutMs`.
 */
export function udpToHost(
  ip: string,
  port: number,
  payload: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (v: Buffer | undefined) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.on('message', (m) => done(m));
    s.on('error', () => done(undefined));
    s.send(payload, port, ip);
  });
}
