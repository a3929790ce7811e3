import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { CalicoIpam } from './allocator.js';
import { IpamError } from './errors.js';
import { memoryBackend } from './memory-backend.js';
import { EmptyBlockCollector, releaseNode } from './node-addresses.js';
import type { IPAMBlock, IPPool } from './objects.js';
import { newIpamFixture, podAttrs } from './testing.js';

const NODES = ['node-1', 'node-2', 'node-3'];

type Op =
  | { readonly op: 'assign'; readonly node: number; readonly pod: number; readonly num: number }
  | { readonly op: 'release'; readonly pod: number }
  | { readonly op: 'releaseNode'; readonly node: number }
  | { readonly op: 'gc'; readonly seconds: number }
  | { readonly op: 'failed'; readonly inner: Op };

const node = fc.integer({ min: 0, max: NODES.length - 1 });
const pod = fc.integer({ min: 0, max: 20 });
const plainOp: fc.Arbitrary<Op> = fc.oneof(
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
 * Also: an operation run inside a transaction that then fails (the memory
 * backend's undo log and the blocks' undo journals must put everything back).
 * GC passes are left out: the collector's own memory is not transactional.
 */
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: plainOp, weight: 6 },
  {
    arbitrary: plainOp.filter((o) => o.op !== 'gc').map((inner) => ({ op: 'failed' as const, inner })),
    weight: 1,
  },
);

class Rollback extends Error {}

/**
 * A pod's handle ID. Every third has capitals: its IPAMHandle name is the
 * lower-cased ID, so the memory backend cannot keep it compact (the other
 * path of `IpamStore.incrementHandle` and `readHandle`).
 */
function handleOf(pod: number): string {
  return pod % 3 === 0 ? `K8S-Pod-Network.${pod}` : `k8s-pod-network.${pod}`;
}

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
                  const handleID = handleOf(o.pod);
                  return ipam.assign({
                    node: name,
                    handleID,
                    attrs: podAttrs(name, `pod-${o.pod}`),
                    num: o.num,
                  });
                }
                case 'release':
                  return ipam.releaseByHandle(handleOf(o.pod));
                case 'releaseNode':
                  return releaseNode(ipam, NODES[o.node] as string);
                case 'gc':
                  return gc.collect();
                case 'failed':
                  throw new Error('failed operations run on the memory backend only');
              }
            } catch (err) {
              if (!(err instanceof IpamError)) throw err;
              return `${err.constructor.name}: ${err.message}`;
            }
          };
          const state = (ipam: CalicoIpam) => ({
            blocks: ipam.io.blocks().map((b) => b.spec),
            handles: ipam.io.handles().map((h) => [h.metadata.name, h.spec]),
            affinities: ipam.io.affinities().map((a) => a.spec),
          });
          // Snapshots the memory backend handed out, with their text then.
          const handedOut: [unknown, string][] = [];
          for (const o of ops) {
            if (o.op === 'failed') {
              const memory = both[1] as (typeof both)[number];
              const before = JSON.stringify(state(mem));
              expect(() =>
                mem.io.transaction(() => {
                  run(o.inner, memory.ipam, memory.gc);
                  throw new Rollback();
                }),
              ).toThrow(Rollback);
              expect(JSON.stringify(state(mem))).toBe(before);
              continue;
            }
            if (o.op === 'gc') f.clock.step(o.seconds * 1000);
            const [reg, mine] = both.map(({ ipam, gc }) => run(o, ipam, gc));
            expect(mine).toEqual(reg);
            const blocks = mem.io.blocks();
            for (const b of blocks) handedOut.push([b, JSON.stringify(b)]);
            expect(JSON.parse(JSON.stringify(state(mem)))).toEqual(JSON.parse(JSON.stringify(state(f.ipam))));
          }
          // A block read from the memory backend is a frozen snapshot: later operations never change it.
          for (const [b, text] of handedOut) {
            expect(JSON.stringify(b)).toBe(text);
            expect(Object.isFrozen(b) && Object.isFrozen((b as IPAMBlock).spec.allocations)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
    // Pure CPU work (400 sequences through two backends): 7–10 s on the 2-core CI machine,
    // 34 s once when the VM ran several times slower; no wait in it can hang.
  }, 120_000);
});
