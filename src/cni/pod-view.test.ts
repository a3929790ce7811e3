import { describe, expect, it } from 'vitest';
import { renderPodIpAddr, renderPodIpRoute } from './pod-view.js';
import { pod, referenceCluster } from './testing.js';

describe('in-pod views under Calico (reference calico.md §2.2)', () => {
  it('ip route: default via 169.254.1.1, which is on-link', () => {
    const f = referenceCluster({ ipipMode: 'Always' });
    f.plugin.setUp(pod('nginx'), 'node-1');
    const nginx = f.model.pod('default', 'nginx');
    if (!nginx) throw new Error('not attached');
    expect(renderPodIpRoute(nginx)).toBe(
      'default via 169.254.1.1 dev eth0\n169.254.1.1 dev eth0 scope link\n',
    );
  });

  it('ip addr: the pod IP as a /32 on eth0, tunl0 shown on IPIP nodes, MTU 1480', async () => {
    const f = referenceCluster({ ipipMode: 'Always' });
    f.plugin.setUp(pod('nginx'), 'node-1');
    const nginx = f.model.pod('default', 'nginx');
    if (!nginx) throw new Error('not attached');
    const text = renderPodIpAddr(nginx);
    expect(text).toContain(`3: eth0@if${nginx.hostIfindex}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 `);
    expect(text).toContain('    inet 192.168.84.129/32 scope global eth0\n');
    await expect(text).toMatchFileSnapshot('__golden__/ipip-nginx.ip-addr.txt');
  });

  it('VXLAN pods have MTU 1450 and no tunl0', () => {
    const f = referenceCluster({ vxlanMode: 'Always' });
    f.plugin.setUp(pod('nginx'), 'node-1');
    const text = renderPodIpAddr(f.model.pod('default', 'nginx') ?? (undefined as never));
    expect(text).toContain(' mtu 1450 ');
    expect(text).not.toContain('tunl0');
  });
});
