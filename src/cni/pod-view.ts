/**
 * What `ip addr` and `ip route` print inside a pod (reference calico.md §2.2,
 * §3.2), in iproute2's format. Pure; the exec command set calls these.
 *
 * Calico: `eth0` has the pod IP as a `/32` and no subnet at all; the default
 * route goes via 169.254.1.1, which the host answers by proxy ARP. On IPIP
 * nodes the kernel's ipip module also shows an idle `tunl0@NONE` in every
 * network namespace. host-local/bridge: `eth0` has the address in the node's
 * podCIDR and the default route goes via the bridge's `.1`.
 *
 * netkube differences: no IPv6 lines (pods are single-stack IPv4 here), and
 * the MAC address is derived from the pod name instead of random.
 */
import { formatIPv4, maskOf, parseIPv4, sizeOf } from '../ipam/ipv4.js';
import type { PodAttachment } from './network-model.js';
import { podMac } from './veth.js';

/** Interface index of eth0 inside the pod (lo is 1, tunl0 2 on IPIP nodes). */
const POD_ETH0_IFINDEX = 3;

/** `ip addr` (`ip address show`) inside the pod. */
export function renderPodIpAddr(pod: PodAttachment): string {
  const lines = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
  ];
  if (pod.encapsulation === 'IPIP') {
    lines.push(
      '2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN group default qlen 1000',
      '    link/ipip 0.0.0.0 brd 0.0.0.0',
    );
  }
  lines.push(
    `${POD_ETH0_IFINDEX}: eth0@if${pod.hostIfindex}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${pod.mtu} qdisc noqueue state UP group default qlen 1000`,
    `    link/ether ${podMac(pod.namespace, pod.pod)} brd ff:ff:ff:ff:ff:ff link-netnsid 0`,
    `    inet ${pod.ip}/${pod.prefixLength}${broadcast(pod)} scope global eth0`,
    '       valid_lft forever preferred_lft forever',
  );
  return `${lines.join('\n')}\n`;
}

function broadcast(pod: PodAttachment): string {
  if (pod.prefixLength >= 31) return '';
  const ip = parseIPv4(pod.ip) ?? 0;
  const network = (ip & maskOf(pod.prefixLength)) >>> 0;
  return ` brd ${formatIPv4(network + sizeOf(pod.prefixLength) - 1)}`;
}

/** `ip route` inside the pod. */
export function renderPodIpRoute(pod: PodAttachment): string {
  if (pod.mode === 'calico') {
    return `default via ${pod.gateway} dev eth0\n${pod.gateway} dev eth0 scope link\n`;
  }
  const ip = parseIPv4(pod.ip) ?? 0;
  const network = formatIPv4((ip & maskOf(pod.prefixLength)) >>> 0);
  return `default via ${pod.gateway} dev eth0\n${network}/${pod.prefixLength} dev eth0 proto kernel scope link src ${pod.ip}\n`;
}
