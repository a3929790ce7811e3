import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { FakeClock } from '../util/clock.js';
import { CalicoIpam } from './allocator.js';
import { memoryBackend } from './memory-backend.js';
import type { IPAMBlock } from './objects.js';
import { podAttrs } from './testing.js';

function memoryIpam(): CalicoIpam {
  const ipam = new CalicoIpam({ objects: memoryBackend(), clock: new FakeClock(), logger: silentLogger() });
  ipam.io.createPool({
    apiVersion: 'crd.projectcalico.org/v1',
    kind: 'IPPool',
    metadata: { name: 'p' },
    spec: { cidr: '10.0.0.0/24', blockSize: 26 },
  });
  return ipam;
}

class Rollback extends Error {}

describe("peeked block states kept with a node's usable blocks", () => {
  it('are dropped when a block is deleted while its affinity stays, and after a rollback', () => {
    const ipam = memoryIpam();
    ipam.assign({ node: 'node-1', handleID: 'h-1', attrs: podAttrs('node-1', 'pod-1') });
    // A second pod finds the node's view current and keeps its usable blocks there.
    ipam.assign({ node: 'node-1', handleID: 'h-0', attrs: podAttrs('node-1', 'pod-0') });
    ipam.releaseByHandle('h-0');
    const name = ipam.io.blocks()[0]?.metadata.name as string;
    const usable = ipam.io.affinityView('node-1').usable;
    if (usable === undefined) throw new Error('no usable blocks kept');
    expect(ipam.io.peekUsable(usable, 0)?.numFree()).toBe(63);

    // Inside a transaction: the block goes, the kept state must not be offered; undone after.
    expect(() =>
      ipam.io.transaction(() => {
        ipam.io.objects.delete('IPAMBlock', name);
        expect(ipam.io.peekUsable(usable, 0)).toBeUndefined();
        throw new Rollback();
      }),
    ).toThrow(Rollback);
    expect(ipam.io.peekUsable(usable, 0)?.numFree()).toBe(63);

    // The block deleted for good (its affinity left in place): the next pod claims it afresh.
    ipam.io.objects.delete('IPAMBlock', name);
    expect(ipam.io.peekUsable(usable, 0)).toBeUndefined();
    const [ip] = ipam.assign({ node: 'node-1', handleID: 'h-2', attrs: podAttrs('node-1', 'pod-2') });
    const blocks = ipam.io.blocks();
    expect(blocks.map((b) => b.metadata.name)).toEqual([name]);
    expect((blocks[0] as IPAMBlock).spec.allocations.filter((a) => a !== null)).toHaveLength(1);
    expect(ipam.ipsByHandle('h-2')).toEqual([ip]);
  });
});
