/**
 * The kubelet's prober for simulated containers: real probe traffic to the
 * app. httpGet sends the kubelet's request (`User-Agent: kube-probe/<version>`,
 * `Connection: close`) through a connection the dataplane opens from the node;
 * tcpSocket connects; exec runs the safe in-pod command set. Success and
 * failure texts are the kubelet's (`HTTP probe failed with statuscode: 503`,
 * `Get "http://…": dial tcp …: connect: connection refused`, `context deadline
 * exceeded (Client.Timeout exceeded while awaiting headers)`).
 */
import type { Duplex } from 'node:stream';
import type { Container, Probe } from '../api/types.js';
import type { ProbeOutcome, Prober } from '../controllers/kubelet/runtime.js';
import type { Clock } from '../util/clock.js';
import { readHttpResponse } from './http/client.js';
import { canonicalHeaderKey, joinHostPort } from './http/go-request.js';
import type { SimulatedContainerRuntime } from './runtime.js';

export interface SimulatedProberConfig {
  readonly clock: Clock;
  /** Opens a TCP connection from `nodeName` to `ip:port` through the dataplane; rejects with an errno `code`. */
  readonly connectFromNode: (nodeName: string, ip: string, port: number) => Promise<Duplex>;
  readonly runtime: SimulatedContainerRuntime;
  /** `major.minor` in the probe User-Agent. @default '1.31' */
  readonly kubeletVersion?: string;
}

type ProbeRequest = Parameters<Prober['probe']>[0];

const SUCCESS: ProbeOutcome = { result: 'success' };

function failure(message: string): ProbeOutcome {
  return { result: 'failure', message };
}

/** Resolves a probe port (number or container port name). */
export function probePort(port: number | string | undefined, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function dialError(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return 'connect: connection refused';
    case 'EHOSTUNREACH':
      return 'connect: no route to host';
    case 'ENETUNREACH':
      return 'connect: network is unreachable';
    default:
      return 'i/o timeout';
  }
}

/** Resolves with the connection, or with the rejection's errno / 'timeout'. */
function connectWithin(
  config: SimulatedProberConfig,
  node: string,
  ip: string,
  port: number,
  ms: number,
): Promise<Duplex | { code: string }> {
  return new Promise((resolve) => {
    const timer = config.clock.setTimeout(() => resolve({ code: 'timeout' }), ms);
    config.connectFromNode(node, ip, port).then(
      (socket) => {
        config.clock.clearTimeout(timer);
        resolve(socket);
      },
      (err: unknown) => {
        config.clock.clearTimeout(timer);
        resolve({ code: (err as NodeJS.ErrnoException).code ?? 'ETIMEDOUT' });
      },
    );
  });
}

/** The `Prober` the kubelet uses for simulated pods. */
export class SimulatedProber implements Prober {
  readonly #config: SimulatedProberConfig;

  constructor(config: SimulatedProberConfig) {
    this.#config = config;
  }

  async probe(request: ProbeRequest): Promise<ProbeOutcome> {
    const { pod, container, probe, kind } = request;
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const forcedDown =
      kind === 'readiness' && this.#config.runtime.readinessForcedDown(namespace, name, container.name);
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    if (probe.httpGet) return this.#http(request, probe, timeoutMs, forcedDown);
    if (probe.tcpSocket) {
      const port = probePort(probe.tcpSocket.port, container) ?? 0;
      const ip = probe.tcpSocket.host ?? request.podIP;
      if (forcedDown) return failure(`dial tcp ${joinHostPort(ip, port)}: connect: connection refused`);
      const socket = await connectWithin(this.#config, request.nodeName, ip, port, timeoutMs);
      if (!('write' in socket))
        return failure(`dial tcp ${joinHostPort(ip, port)}: ${dialError(socket.code)}`);
      socket.destroy();
      return SUCCESS;
    }
    if (probe.exec)
      return this.#exec(namespace, name, container.name, probe.exec.command ?? [], timeoutMs, forcedDown);
    if (probe.grpc) {
      return failure(
        `grpc probe on port ${probe.grpc.port}: gRPC health checking is not simulated by netkube; use httpGet, tcpSocket or exec`,
      );
    }
    return failure('missing probe handler');
  }

  async #exec(
    namespace: string,
    pod: string,
    container: string,
    command: readonly string[],
    timeoutMs: number,
    forcedDown: boolean,
  ): Promise<ProbeOutcome> {
    if (forcedDown) return failure('');
    let c: ReturnType<SimulatedContainerRuntime['container']>;
    try {
      c = this.#config.runtime.container(namespace, pod, container);
    } catch {
      return failure(`container "${container}" not found`);
    }
    if (!c.running) return failure('cannot exec in a stopped container');
    const result = await c.exec(command, { timeoutMs });
    if (result.timedOut) return failure(`command ${JSON.stringify(command.join(' '))} timed out`);
    return result.exitCode === 0 ? { result: 'success', message: result.combined } : failure(result.combined);
  }

  async #http(
    request: ProbeRequest,
    probe: Probe,
    timeoutMs: number,
    forcedDown: boolean,
  ): Promise<ProbeOutcome> {
    const get = probe.httpGet;
    if (!get) return failure('missing httpGet');
    const port = probePort(get.port, request.container) ?? 0;
    const host = get.host ?? request.podIP;
    const scheme = (get.scheme ?? 'HTTP').toLowerCase();
    const path =
      get.path === undefined || get.path === '' ? '/' : get.path.startsWith('/') ? get.path : `/${get.path}`;
    const url = `${scheme}://${joinHostPort(host, port)}${path}`;
    if (forcedDown) return failure('HTTP probe failed with statuscode: 503');
    const socket = await connectWithin(this.#config, request.nodeName, host, port, timeoutMs);
    if (!('write' in socket)) {
      if (socket.code === 'timeout')
        return failure(
          `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        );
      return failure(`Get "${url}": dial tcp ${joinHostPort(host, port)}: ${dialError(socket.code)}`);
    }
    if (scheme === 'https') {
      socket.destroy();
      return failure(`Get "${url}": http: server gave HTTP response to HTTPS client`);
    }
    socket.write(this.#requestHead(get.httpHeaders ?? [], path, joinHostPort(host, port)));
    try {
      const res = await readHttpResponse(socket, {
        method: 'GET',
        clock: this.#config.clock,
        headTimeoutMs: timeoutMs,
      });
      if (res.status >= 200 && res.status < 400)
        return { result: 'success', message: res.body.subarray(0, 10 * 1024).toString('utf8') };
      return failure(`HTTP probe failed with statuscode: ${res.status}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ETIMEDOUT')
        return failure(
          `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        );
      if (code === 'ECONNRESET')
        return failure(
          `Get "${url}": read tcp ${request.nodeName}->${joinHostPort(host, port)}: read: connection reset by peer`,
        );
      return failure(`Get "${url}": EOF`);
    } finally {
      socket.destroy();
    }
  }

  /** The kubelet's probe request (Go `Request.Write` order, keep-alives disabled). */
  #requestHead(
    headers: ReadonlyArray<{ name: string; value: string }>,
    path: string,
    hostPort: string,
  ): string {
    const map = new Map<string, string[]>();
    for (const h of headers) {
      const key = canonicalHeaderKey(h.name);
      map.set(key, [...(map.get(key) ?? []), h.value]);
    }
    if (!map.has('User-Agent'))
      map.set('User-Agent', [`kube-probe/${this.#config.kubeletVersion ?? '1.31'}`]);
    if (!map.has('Accept')) map.set('Accept', ['*/*']);
    else if (map.get('Accept')?.[0] === '') map.delete('Accept');
    const host = map.get('Host')?.[0] ?? hostPort;
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: ${host}`,
      `User-Agent: ${map.get('User-Agent')?.[0] ?? ''}`,
    ];
    for (const key of [...map.keys()].filter((k) => k !== 'Host' && k !== 'User-Agent').sort()) {
      for (const v of map.get(key) ?? []) lines.push(`${key}: ${v}`);
    }
    lines.push('Connection: close');
    return `${lines.join('\r\n')}\r\n\r\n`;
  }
}
