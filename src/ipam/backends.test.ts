import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { CalicoIpam } from './allocator.js';
import { IpamError } from './errors.js';
import { EmptyBlockCollector, releaseNode } from './node-addresses.js';
import { memoryBackend } from './object-backends.js';
import type { IPPool } from './objects.js';
import { newIpamFixture, podAttrs } from './testing.js';

const NODES = ['node-1', 'node-2', 'node-3'];

type Op =
  | { readonly op: 'assign'; readonly node: number; readonly pod: number; readonly num: number }
  | { readonly op: 'release'; readonly pod: number }
  | { readonly op: 'releaseNode'; readonly node: number }
  | { readonly op: 'gc'; readonly seconds: number };

const node = fc.integer({ min: 0, max: NODES.length - 1 });
const pod = fc.integer({ min: 0, max: 20 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('assign' as const),
      node,
      pod,
      num: fc.integer({ min: 1, max: 3 }),
    }),
    weight: 8,
  },
  { arbitrary: fc.record({ op: fc.constant('release' as const), pod }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('releaseNode' as const), node }), weight: 2 },
  {
    arbitrary: fc.record({ op: fc.constant('gc' as const), seconds: fc.integer({ min: 0, max: 120 }) }),
    weight: 1,
  },
);

/**
 * The allocator's caches (affinity views, block working copies, memoised pool
 * choice) are validated differently per backend: by the memory backend's
 * affinity revision and the caller's read-before-write hints, by object
 * identity over the Registry. Both must give the same answers and the same
 * objects, failed (rolled back) operations included.
 */
describe('memory and Registry backends agree (property)', () => {
  it('random assign / release / node release / GC sequences', () => {
    fc.assert(
      fc.property(
        fc.record({ strictAffinity: fc.boolean(), maxBlocksPerHost: fc.integer({ min: 0, max: 2 }) }),
        fc.array(op, { minLength: 1, maxLength: 80 }),
        (settings, ops) => {
          const f = newIpamFixture({
            ...settings,
            pools: { p: { cidr: '10.0.0.0/27', blockSize: 29 } },
          });
          const mem = new CalicoIpam({
            objects: memoryBackend(),
            clock: f.clock,
            logger: silentLogger(),
            ...settings,
          });
          mem.io.createPool(f.ipam.io.poolObjects()[0] as IPPool);
          const both = [f.ipam, mem].map((ipam) => ({
            ipam,
            gc: new EmptyBlockCollector({ ipam, clock: f.clock, gracePeriodMs: 60_000 }),
          }));
          const run = (o: Op, ipam: CalicoIpam, gc: EmptyBlockCollector): unknown => {
            try {
              switch (o.op) {
                case 'assign': {
                  const name = NODES[o.node] as string;
                  const handleID = `k8s-pod-network.${o.pod}`;
                  return ipam.assign({
                    node: name,
                    handleID,
                    attrs: podAttrs(name, `pod-${o.pod}`),
                    num: o.num,
                  });
                }
                case 'release':
                  return ipam.releaseByHandle(`k8s-pod-network.${o.pod}`);
                case 'releaseNode':
                  return releaseNode(ipam, NODES[o.node] as string);
                case 'gc':
                  return gc.collect();
              }
            } catch (err) {
              if (!(err instanceof IpamError)) throw err;
              return `${err.constructor.name}: ${err.message}`;
            }
          };
          for (const o of ops) {
            if (o.op === 'gc') f.clock.step(o.seconds * 1000);
            const [reg, mine] = both.map(({ ipam, gc }) => run(o, ipam, gc));
            expect(mine).toEqual(reg);
            const state = (ipam: CalicoIpam) => ({
              blocks: ipam.io.blocks().map((b) => b.spec),
              handles: ipam.io.handles().map((h) => h.spec),
              affinities: ipam.io.affinities().map((a) => a.spec),
            });
            expect(JSON.parse(JSON.stringify(state(mem)))).toEqual(JSON.parse(JSON.stringify(state(f.ipam))));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
