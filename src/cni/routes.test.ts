import { describe, expect, it } from 'vitest';
import { type Cidr, parseCidr } from '../ipam/ipv4.js';
import { lookupRoute, type Route, renderRoute, renderRoutes } from './routes.js';

function c(text: string): Cidr {
  const p = parseCidr(text);
  if (!p) throw new Error(text);
  return { network: p.network, prefix: p.prefix };
}

const remote = (dst: string, over: Partial<Extract<Route, { kind: 'remote' }>> = {}): Route => ({
  kind: 'remote',
  dst: c(dst),
  target: 'block',
  node: 'node-2',
  via: '172.18.0.3',
  dev: 'tunl0',
  encapsulation: 'IPIP',
  proto: 'bird',
  onlink: true,
  ...over,
});

describe('renderRoute (iproute2 format)', () => {
  it.each<[Route, string]>([
    [
      { kind: 'default', dst: c('0.0.0.0/0'), via: '172.18.0.1', dev: 'eth0' },
      'default via 172.18.0.1 dev eth0',
    ],
    [
      { kind: 'connected', dst: c('172.18.0.0/16'), dev: 'eth0', src: '172.18.0.2' },
      '172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2',
    ],
    [
      {
        kind: 'local-pod',
        dst: c('192.168.84.129/32'),
        dev: 'calic440f455693',
        namespace: 'default',
        pod: 'nginx',
      },
      '192.168.84.129 dev calic440f455693 scope link',
    ],
    [
      { kind: 'blackhole', dst: c('192.168.84.128/26'), proto: 'bird' },
      'blackhole 192.168.84.128/26 proto bird',
    ],
    [{ kind: 'blackhole', dst: c('192.168.84.128/26'), proto: '80' }, 'blackhole 192.168.84.128/26 proto 80'],
    [remote('192.168.247.0/26'), '192.168.247.0/26 via 172.18.0.3 dev tunl0 proto bird onlink'],
    [
      remote('192.168.247.0/26', {
        via: '192.168.247.0',
        dev: 'vxlan.calico',
        encapsulation: 'VXLAN',
        proto: undefined,
      }),
      '192.168.247.0/26 via 192.168.247.0 dev vxlan.calico onlink',
    ],
    [
      remote('192.168.247.0/26', { dev: 'eth0', encapsulation: 'None', onlink: false }),
      '192.168.247.0/26 via 172.18.0.3 dev eth0 proto bird',
    ],
    [
      remote('192.168.84.131/32', { target: 'borrowed-ip' }),
      '192.168.84.131 via 172.18.0.3 dev tunl0 proto bird onlink',
    ],
    [
      { kind: 'bridge', dst: c('10.244.1.0/24'), dev: 'cni0', src: '10.244.1.1' },
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
    ],
  ])('%#: %s', (route, want) => {
    expect(renderRoute(route)).toBe(want);
  });

  it('orders default first, then by destination, shorter prefix first (reference §2.4)', () => {
    const routes: Route[] = [
      remote('192.168.247.0/26'),
      { kind: 'local-pod', dst: c('192.168.84.128/32'), dev: 'calia', namespace: 'd', pod: 'a' },
      { kind: 'blackhole', dst: c('192.168.84.128/26'), proto: 'bird' },
      { kind: 'connected', dst: c('172.18.0.0/16'), dev: 'eth0', src: '172.18.0.2' },
      { kind: 'default', dst: c('0.0.0.0/0'), via: '172.18.0.1', dev: 'eth0' },
    ];
    expect(
      renderRoutes(routes)
        .split('\n')
        .map((l) => (l.split(' ')[0] === 'blackhole' ? l.split(' ')[1] : l.split(' ')[0])),
    ).toEqual(['default', '172.18.0.0/16', '192.168.84.128/26', '192.168.84.128', '192.168.247.0/26', '']);
  });
});

describe('lookupRoute (longest prefix match)', () => {
  const table: Route[] = [
    { kind: 'default', dst: c('0.0.0.0/0'), via: '172.18.0.1', dev: 'eth0' },
    { kind: 'blackhole', dst: c('192.168.84.128/26'), proto: 'bird' },
    {
      kind: 'local-pod',
      dst: c('192.168.84.129/32'),
      dev: 'calic440f455693',
      namespace: 'default',
      pod: 'nginx',
    },
    remote('192.168.247.0/26'),
  ];
  it.each([
    ['192.168.84.129', 'local-pod'],
    ['192.168.84.140', 'blackhole'],
    ['192.168.247.9', 'remote'],
    ['8.8.8.8', 'default'],
  ])('%s → %s', (dst, kind) => {
    expect(lookupRoute(table, dst)?.kind).toBe(kind);
  });

  it('returns undefined for a bad address or no match', () => {
    expect(lookupRoute(table, 'nope')).toBeUndefined();
    expect(lookupRoute(table.slice(1), '8.8.8.8')).toBeUndefined();
  });
});
