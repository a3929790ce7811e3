/**
 * The pods' side of `kubectl port-forward` (`ApiServerConfig.podPortForward`):
 * a connection to a port of a simulated pod as the kubelet makes it, from
 * inside the pod's network namespace to localhost. The pod's app sees
 * 127.0.0.1 as its client; nothing passes kube-proxy, the pod network or
 * NetworkPolicy, as on a real node.
 */
import type { Duplex } from 'node:stream';
import { notFound } from '../api/errors.js';
import { natSocketPair } from '../dataplane/mem-socket.js';
import type { PodPortForward } from '../server/handlers/portforward.js';
import type { ObjectStore } from '../store/object-store.js';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';

const PODS = { group: '', resource: 'pods' };
/** Linux's default ephemeral range (`net.ipv4.ip_local_port_range`). */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;

export function podPortForward(deps: { store: ObjectStore; sandboxes: PodSandboxRegistry }): PodPortForward {
  let nextPort = EPHEMERAL_FIRST;
  return {
    check({ namespace, pod }) {
      if (!deps.store.get('pods', namespace, pod)) throw notFound(PODS, pod);
    },
    connect({ namespace, pod }, port): Duplex | string {
      const sandbox = deps.sandboxes.byPod(namespace, pod);
      const uid = sandbox?.pod.uid ?? (deps.store.get('pods', namespace, pod)?.metadata.uid as string) ?? '';
      // The kubelet's (containerd's) words when nothing listens on the port inside the pod.
      const refused =
        `error forwarding port ${port} to pod ${uid}, uid : failed to execute portforward in network namespace ` +
        `"/var/run/netns/cni-${uid}": failed to connect to localhost:${port} inside namespace "${uid}", ` +
        `IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused ` +
        `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
      if (!sandbox?.accepts('TCP', port)) return refused;
      const srcPort = nextPort;
      nextPort = nextPort >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : nextPort + 1;
      const ends = { src: { ip: '127.0.0.1', port: srcPort }, dst: { ip: '127.0.0.1', port } };
      const { client, server } = natSocketPair(ends, ends);
      const delivered = sandbox.deliver({
        socket: server,
        tuple: { protocol: 'TCP', srcIP: '127.0.0.1', srcPort, dstIP: '127.0.0.1', dstPort: port },
      });
      if (!delivered.delivered) {
        client.destroy();
        server.destroy();
        return refused;
      }
      return client;
    },
  };
}
