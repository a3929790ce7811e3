/**
 * `ip addr` / `ip route` inside a pod. The CNI part supplies the pure
 * formatters (`IpFormatter`) that match its routes; without one, a Calico-style
 * pod view is printed: `eth0` with the pod IP as /32 and a default route via
 * 169.254.1.1, as Calico programs pods.
 */
import { createHash } from 'node:crypto';
import type { CommandImpl, ExecPod, IpFormatter } from '../context.js';

function mac(pod: ExecPod): string {
  const h = createHash('sha1').update(`${pod.namespace}/${pod.name}/${pod.ip}`).digest();
  const bytes = [...h.subarray(0, 6)];
  bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The default pod view (Calico: /32 on eth0, gateway 169.254.1.1). */
export const CALICO_POD_IP_FORMATTER: IpFormatter = {
  addr(pod) {
    return (
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n' +
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' +
      '    inet 127.0.0.1/8 scope host lo\n' +
      '       valid_lft forever preferred_lft forever\n' +
      '    inet6 ::1/128 scope host \n' +
      '       valid_lft forever preferred_lft forever\n' +
      '3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000\n' +
      `    link/ether ${mac(pod)} brd ff:ff:ff:ff:ff:ff link-netnsid 0\n` +
      `    inet ${pod.ip}/32 scope global eth0\n` +
      '       valid_lft forever preferred_lft forever\n'
    );
  },
  route() {
    return 'default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n';
  },
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
