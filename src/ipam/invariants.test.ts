import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKey } from '../api/resources.js';
import { IpamError } from './errors.js';
import { checkIpamInvariants } from './invariants.js';
import { EmptyBlockCollector, reconcileTunnelAddresses, releaseNode } from './node-addresses.js';
import { newIpamFixture, podAttrs } from './testing.js';

const NODES = ['node-1', 'node-2', 'node-3', 'host-a', 'kind-worker'];

type Op =
  | { readonly op: 'addNode'; readonly node: number }
  | { readonly op: 'removeNode'; readonly node: number }
  | { readonly op: 'allocate'; readonly node: number; readonly pod: number }
  | { readonly op: 'assignIP'; readonly node: number; readonly pod: number; readonly ordinal: number }
  | { readonly op: 'release'; readonly pod: number }
  | { readonly op: 'releaseIP'; readonly ordinal: number }
  | { readonly op: 'tunnel'; readonly node: number }
  | { readonly op: 'gc'; readonly seconds: number };

const node = fc.integer({ min: 0, max: NODES.length - 1 });
const pod = fc.integer({ min: 0, max: 15 });
const ordinal = fc.integer({ min: 0, max: 31 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('addNode' as const), node }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('removeNode' as const), node }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('allocate' as const), node, pod }), weight: 8 },
  { arbitrary: fc.record({ op: fc.constant('assignIP' as const), node, pod, ordinal }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('release' as const), pod }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('releaseIP' as const), ordinal }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('tunnel' as const), node }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant('gc' as const), seconds: fc.integer({ min: 0, max: 120 }) }),
    weight: 1,
  },
);

const NODE_INFO = resourceForKey('nodes') as ResourceInfo;

describe('IPAM invariants hold after every operation (property)', () => {
  it('random allocate / release / node add / node remove sequences', () => {
    fc.assert(
      fc.property(
        fc.record({
          strictAffinity: fc.boolean(),
          maxBlocksPerHost: fc.integer({ min: 0, max: 3 }),
          blockSelection: fc.constantFrom('calico' as const, 'sequential' as const),
          ipip: fc.boolean(),
        }),
        fc.array(op, { minLength: 1, maxLength: 120, size: 'max' }),
        (settings, ops) => {
          const f = newIpamFixture({
            strictAffinity: settings.strictAffinity,
            maxBlocksPerHost: settings.maxBlocksPerHost,
            blockSelection: settings.blockSelection,
            pools: {
              p: {
                cidr: '10.0.0.0/27',
                blockSize: 29,
                ...(settings.ipip ? { ipipMode: 'Always' as const } : {}),
              },
            },
          });
          const gc = new EmptyBlockCollector({ ipam: f.ipam, clock: f.clock, gracePeriodMs: 60_000 });
          // What the model expects each live pod handle to hold.
          const held = new Map<number, { ip: string; node: string }>();
          const present = new Set<string>();
          for (const o of ops) {
            const before = f.store.resourceVersion;
            try {
              apply(o);
            } catch (err) {
              if (!(err instanceof IpamError)) throw err;
              expect(f.store.resourceVersion).toBe(before); // failed operations write nothing
            }
            const state = {
              blocks: f.ipam.io.blocks(),
              handles: f.ipam.io.handles(),
              affinities: f.ipam.io.affinities(),
            };
            expect(checkIpamInvariants(state)).toEqual([]);
            for (const [p, h] of held) expect(f.ipam.ipsByHandle(`k8s-pod-network.${p}`)).toEqual([h.ip]);
            const ips = [...held.values()].map((h) => h.ip);
            expect(new Set(ips).size).toBe(ips.length);
          }

          function apply(o: Op): void {
            switch (o.op) {
              case 'addNode': {
                const name = NODES[o.node] as string;
                if (present.has(name)) return;
                f.addNode(name);
                present.add(name);
                return;
              }
              case 'removeNode': {
                const name = NODES[o.node] as string;
                if (!present.has(name)) return;
                f.registry.delete(NODE_INFO, undefined, name);
                present.delete(name);
                releaseNode(f.ipam, name);
                for (const [p, h] of held) if (h.node === name) held.delete(p);
                return;
              }
              case 'allocate':
              case 'assignIP': {
                const name = NODES[o.node] as string;
                if (!present.has(name) || held.has(o.pod)) return;
                const handleID = `k8s-pod-network.${o.pod}`;
                const attrs = podAttrs(name, `pod-${o.pod}`);
                if (o.op === 'allocate') {
                  const [ip] = f.ipam.assign({ node: name, handleID, attrs });
                  held.set(o.pod, { ip: ip as string, node: name });
                } else {
                  const ip = `10.0.0.${o.ordinal}`;
                  f.ipam.assignIP({ ip, node: name, handleID, attrs });
                  held.set(o.pod, { ip, node: name });
                }
                return;
              }
              case 'release':
                f.ipam.releaseByHandle(`k8s-pod-network.${o.pod}`);
                held.delete(o.pod);
                return;
              case 'releaseIP': {
                const ip = `10.0.0.${o.ordinal}`;
                const owner = [...held].find(([, h]) => h.ip === ip);
                if (!owner) {
                  // A free address is reported back; a tunnel's fails on the handle and changes nothing.
                  f.ipam.releaseIPs([{ ip, handle: 'nobody' }]);
                  return;
                }
                f.ipam.releaseIPs([{ ip, handle: `k8s-pod-network.${owner[0]}` }]);
                held.delete(owner[0]);
                return;
              }
              case 'tunnel': {
                const name = NODES[o.node] as string;
                if (present.has(name)) reconcileTunnelAddresses(f.ipam, name);
                return;
              }
              case 'gc':
                f.clock.step(o.seconds * 1000);
                gc.collect();
                return;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
