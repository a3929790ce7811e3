/**
 * `ip addr` / `ip route` inside a pod, printed by the CNI part's pure
 * renderers (src/cni/pod-view.ts) over the pod's attachment. The composition
 * root injects an `IpFormatter` that reads the real network model; without
 * one, a pod attached the Calico way (eth0 /32, default via 169.254.1.1, IPIP
 * with MTU 1480) is shown.
 */
import { renderPodIpAddr, renderPodIpRoute, vethNameForWorkload } from '../../../cni/index.js';
import type { CommandImpl, ExecPod, IpFormatter } from '../context.js';

function calicoAttachment(pod: ExecPod) {
  return {
    ip: pod.ip,
    namespace: pod.namespace,
    pod: pod.name,
    node: pod.nodeName,
    veth: vethNameForWorkload(pod.namespace, pod.name),
    hostIfindex: 4,
    mode: 'calico' as const,
    mtu: 1480,
    encapsulation: 'IPIP' as const,
    prefixLength: 32,
    gateway: '169.254.1.1',
  };
}

/** The default pod view when no formatter is injected (Calico, IPIP). */
export const CALICO_POD_IP_FORMATTER: IpFormatter = {
  addr: (pod) => renderPodIpAddr(calicoAttachment(pod)),
  route: (pod) => renderPodIpRoute(calicoAttachment(pod)),
};

export const ip: CommandImpl = (c) => {
  const args = c.argv.slice(1).filter((a) => a !== '-4' && a !== '-o');
  const object = args[0] ?? '';
  const formatter = c.system.ipFormatter ?? CALICO_POD_IP_FORMATTER;
  if (object === '' || object === 'help') {
    c.err(
      'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | route | link | neigh | rule }\n',
    );
    return object === '' ? 255 : 0;
  }
  if ('address'.startsWith(object) || object === 'addr') {
    c.out(formatter.addr(c.system.pod));
    return 0;
  }
  if ('route'.startsWith(object)) {
    c.out(formatter.route(c.system.pod));
    return 0;
  }
  if ('link'.startsWith(object)) {
    c.out(
      formatter
        .addr(c.system.pod)
        .split('\n')
        .filter((l) => !/^\s+(inet|valid_lft)/.test(l))
        .join('\n'),
    );
    return 0;
  }
  c.err(`Object "${object}" is unknown, try "ip help".\n`);
  return 1;
};
