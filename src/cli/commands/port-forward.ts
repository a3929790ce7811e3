/**
 * `netkube port-forward TYPE/NAME [LOCAL:]REMOTE…`: kubectl port-forward
 * without SPDY. Each local port listens on 127.0.0.1 (and `--address`,
 * loopback only); every connection it accepts becomes one upgraded request
 * to the emulator (`…/pods/NAME/portforward?port=N`, `Upgrade: netkube-tcp`)
 * that carries its bytes to the port inside the pod, as the kubelet connects
 * there. The target is resolved as kubectl resolves it: a pod as it is, a
 * Service, Deployment or ReplicaSet through its selector to one running pod,
 * a Service port through its targetPort (a named one through the pod's
 * container ports). Runs until interrupted; an error forwarding a connection
 * is printed and ends it, as kubectl does.
 */
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { Command } from 'commander';
import { resourceForKind } from '../../api/resources.js';
import type { KubeObject, Pod } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import { isLoopback } from '../../util/ipv4.js';
import { joinStreams } from '../../util/join-streams.js';
import type { CliContext } from '../context.js';
import { selectorString } from '../describe/writer.js';
import { SilentExit } from '../errors.js';
import { collectionPath, extensionPath, objectPath } from '../paths.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';
import { sortForLogging } from './logs.js';

interface PortSpec {
  readonly local: number;
  /** As written: a number, or a port name. */
  readonly remote: string;
}

interface ServicePortLike {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
}

type Selectable = KubeObject & {
  spec?: { selector?: object | Record<string, string>; ports?: ServicePortLike[]; type?: string };
};

/** `8080:80`, `:80` (a free local port), `80` (the same port locally), `8080:http`. */
export function parsePortSpec(text: string): PortSpec {
  const [localText, remoteText] = text.includes(':') ? text.split(':', 2) : [text, text];
  const remote = remoteText ?? '';
  if (remote === '' || !/^(\d{1,5}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.test(remote))
    throw new UserError(`error parsing remote port "${remote}" of "${text}": a port number or name`);
  if (localText !== '' && (!/^\d{1,5}$/.test(localText ?? '') || Number(localText) > 65535))
    throw new UserError(`error parsing local port "${localText}" of "${text}": a port number`);
  const local = localText === '' ? 0 : Number(localText);
  if (/^\d+$/.test(remote) && (Number(remote) < 1 || Number(remote) > 65535))
    throw new UserError(`error parsing remote port "${remote}" of "${text}": from 1 to 65535`);
  return { local, remote };
}

/** The pod a target forwards to, and each port spec's port inside it. */
async function resolve(
  ctx: CliContext,
  target: string,
  specs: readonly PortSpec[],
): Promise<{ pod: Pod; ports: number[] }> {
  const client = ctx.client();
  const parsed = target.includes('/') ? parseTargets([target])[0] : undefined;
  const info = parsed?.info;
  const name = parsed?.names[0] ?? target;
  if (parsed && (parsed.names.length !== 1 || !info))
    throw new UserError(`expected TYPE/NAME, got ${target}`);
  const kind = info?.kind ?? 'Pod';
  let obj: Selectable;
  if (kind === 'Pod') obj = await client.json<Selectable>('GET', podPath(ctx, name));
  else obj = await client.json<Selectable>('GET', objectPath(info ?? podInfo(), ctx.namespace, name));
  let pod: Pod;
  if (kind === 'Pod') pod = obj as Pod;
  else {
    const raw = obj.spec?.selector;
    const selector =
      kind === 'Service'
        ? Object.entries((raw ?? {}) as Record<string, string>)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : selectorString(raw as Parameters<typeof selectorString>[0]);
    if (!selector) throw new UserError(`cannot attach to ${kind} ${name}: it selects no pods`);
    const list = await client.json<{ items?: Pod[] }>('GET', collectionPath(podInfo(), ctx.namespace), {
      query: { labelSelector: selector },
    });
    const first = sortForLogging(list.items ?? [])[0];
    if (!first) throw new UserError(`timed out waiting for the condition`);
    pod = first;
  }
  if (pod.status?.phase !== 'Running')
    throw new UserError(
      `unable to forward port because pod is not running. Current status=${pod.status?.phase}`,
    );
  const ports = specs.map((s) =>
    kind === 'Service' ? servicePortInPod(obj, s.remote, pod) : containerPort(pod, s.remote),
  );
  return { pod, ports };
}

function podInfo() {
  const info = resourceForKind('Pod');
  if (!info) throw new Error('the Pod resource is missing');
  return info;
}

function podPath(ctx: CliContext, name: string): string {
  return objectPath(podInfo(), ctx.namespace, name);
}

/** A port of the pod: a number as it is, a name through its containers' ports. */
function containerPort(pod: Pod, remote: string): number {
  if (/^\d+$/.test(remote)) return Number(remote);
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === remote) return p.containerPort;
  throw new UserError(`Pod '${pod.metadata?.name}' does not have a named port '${remote}'`);
}

/** kubectl's `translateServicePortToTargetPort`: the Service port's targetPort in the chosen pod. */
function servicePortInPod(svc: Selectable, remote: string, pod: Pod): number {
  const port = (svc.spec?.ports ?? []).find((p) => String(p.port) === remote || p.name === remote);
  if (!port) throw new UserError(`Service ${svc.metadata.name} does not have a service port ${remote}`);
  const target = port.targetPort ?? port.port;
  return typeof target === 'number' || /^\d+$/.test(String(target))
    ? Number(target)
    : containerPort(pod, String(target));
}

/** Listens on `address:port` (0: a free port) and resolves with the server. */
function listen(address: string, port: number, onSocket: (s: Socket) => void): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer(onSocket);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new UserError(
          `unable to listen on ${address}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`,
        ),
      ),
    );
    server.listen(port, address, () => resolvePromise(server));
  });
}

/** Runs `port-forward` until interrupted (or until a forward fails, as kubectl stops then). */
export async function runPortForward(
  ctx: CliContext,
  target: string,
  portArgs: readonly string[],
  opts: { address?: string },
): Promise<void> {
  if (portArgs.length === 0) throw new UserError('TYPE/NAME and list of ports are required for port-forward');
  const addresses = (opts.address ?? '127.0.0.1')
    .split(',')
    .map((a) => (a === 'localhost' ? '127.0.0.1' : a));
  for (const a of addresses)
    if (!isLoopback(a))
      throw new UserError(`--address ${a}: netkube listens on loopback addresses only (127.0.0.0/8)`);
  const specs = portArgs.map(parsePortSpec);
  const { pod, ports } = await resolve(ctx, target, specs);
  const podName = pod.metadata?.name ?? '';
  const base = new URL(ctx.client().baseUrl);
  const servers: Server[] = [];
  let failed: string | undefined;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  const forward = (socket: Socket, local: number, remote: number) => {
    ctx.out(`Handling connection for ${local}\n`);
    const req = request({
      host: base.hostname,
      port: base.port,
      method: 'POST',
      path: `${extensionPath(`/namespaces/${encodeURIComponent(ctx.namespace)}/pods/${encodeURIComponent(podName)}/portforward`)}?port=${remote}`,
      headers: { Connection: 'Upgrade', Upgrade: 'netkube-tcp' },
    });
    req.on('upgrade', (_res, upstream: Socket, head: Buffer) => {
      if (head.length) socket.write(head);
      joinStreams(socket, upstream);
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        socket.destroy();
        let message = body.trim();
        try {
          message = (JSON.parse(body) as { message?: string }).message ?? message;
        } catch {}
        failed ??= `an error occurred forwarding ${local} -> ${remote}: ${message}`;
        stop();
      });
    });
    req.on('error', (err) => {
      socket.destroy();
      failed ??= `an error occurred forwarding ${local} -> ${remote}: ${err.message}`;
      stop();
    });
    req.end();
  };
  try {
    for (const [i, spec] of specs.entries()) {
      const remote = ports[i] as number;
      let local = spec.local;
      for (const address of addresses) {
        const server = await listen(address, local, (s) => forward(s, local, remote));
        servers.push(server);
        local = (server.address() as { port: number }).port;
        ctx.out(`Forwarding from ${address}:${local} -> ${remote}\n`);
      }
    }
    ctx.signal.addEventListener('abort', () => stop(), { once: true });
    await stopped;
  } finally {
    for (const s of servers) s.close();
  }
  if (failed !== undefined) {
    ctx.err(`${failed}\nerror: lost connection to pod\n`);
    throw new SilentExit(1);
  }
}

/** `netkube port-forward`, for the registry in commands/index.ts. */
export const portForwardCommand: CliCommand = {
  name: 'port-forward',
  register(program: Command, ctx: CliContext): void {
    program
      .command('port-forward')
      .description('Forward local ports to a pod (also through svc/, deploy/, rs/), as kubectl port-forward')
      .argument('<target>', 'POD or TYPE/NAME (svc/web, deploy/web)')
      .argument('<ports...>', '[LOCAL]:REMOTE, e.g. 8080:80, :80 (a free local port), 80, 8080:http')
      .option('--address <addresses>', 'loopback addresses to listen on, comma-separated (default 127.0.0.1)')
      .action(async (target: string, ports: string[], opts: { address?: string }) => {
        await runPortForward(ctx, target, ports, opts);
      });
  },
};
