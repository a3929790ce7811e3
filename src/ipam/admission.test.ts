import { describe, expect, it } from 'vitest';
import { StatusError } from '../api/errors.js';
import '../api/kinds/index.js';
import { CALICO_API_VERSION, type IPPool, type IPPoolSpec } from './objects.js';
import { newIpamFixture } from './testing.js';

function create(f: ReturnType<typeof newIpamFixture>, name: string, spec: Partial<IPPoolSpec>): IPPool {
  return f.registry.create<IPPool>({
    apiVersion: CALICO_API_VERSION,
    kind: 'IPPool',
    metadata: { name },
    spec,
  } as IPPool);
}

function rejection(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('IPPool admission', () => {
  it('fills Calico defaults and writes the CIDR canonically', () => {
    const f = newIpamFixture();
    const pool = create(f, 'p', { cidr: '10.1.2.3/16' });
    expect(pool.spec).toEqual({
      cidr: '10.1.0.0/16',
      blockSize: 26,
      ipipMode: 'Never',
      vxlanMode: 'Never',
      natOutgoing: false,
      nodeSelector: 'all()',
      allowedUses: ['Workload', 'Tunnel'],
      assignmentMode: 'Automatic',
    });
  });

  it.each([
    {
      name: 'overlaps the service subnet',
      spec: { cidr: '10.96.0.0/16' },
      field: 'spec.cidr',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.cidr: Invalid value: "10.96.0.0/16": IP pool overlaps the service subnet 10.96.0.0/12 (netkube: pod and Service addresses must not mix)',
    },
    {
      name: 'blockSize below 20',
      spec: { cidr: '10.1.0.0/16', blockSize: 19 },
      field: 'spec.blockSize',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.blockSize: Invalid value: 19: IPv4 block size must be between 20 and 32',
    },
    {
      name: 'blockSize above 32',
      spec: { cidr: '10.1.0.0/16', blockSize: 33 },
      field: 'spec.blockSize',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.blockSize: Invalid value: 33: IPv4 block size must be between 20 and 32',
    },
    {
      name: 'smaller than one block',
      spec: { cidr: '10.1.0.0/28' },
      field: 'spec.cidr',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.cidr: Invalid value: "10.1.0.0/28": IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.',
    },
    {
      name: 'link-local',
      spec: { cidr: '169.254.0.0/16' },
      field: 'spec.cidr',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.cidr: Invalid value: "169.254.0.0/16": IPPool CIDR overlaps with IPv4 Link Local range 169.254.0.0/16',
    },
    {
      name: 'IPv6',
      spec: { cidr: 'fd00::/48' },
      field: 'spec.cidr',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.cidr: Invalid value: "fd00::/48": netkube emulates IPv4 pools only',
    },
    {
      name: 'both encapsulations',
      spec: { cidr: '10.1.0.0/16', ipipMode: 'Always' as const, vxlanMode: 'Always' as const },
      field: 'spec.vxlanMode',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.vxlanMode: Invalid value: "Always": Cannot enable both VXLAN and IPIP on the same IPPool',
    },
    {
      name: 'unknown ipipMode',
      spec: { cidr: '10.1.0.0/16', ipipMode: 'Sometimes' as never },
      field: 'spec.ipipMode',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.ipipMode: Unsupported value: "Sometimes": supported values: "Always", "CrossSubnet", "Never"',
    },
    {
      name: 'bad nodeSelector',
      spec: { cidr: '10.1.0.0/16', nodeSelector: "zone == 'a' &&" },
      field: 'spec.nodeSelector',
      message:
        'IPPool.crd.projectcalico.org "bad" is invalid: spec.nodeSelector: Invalid value: "zone == \'a\' &&": invalid selector: unexpected end of selector',
    },
  ])('$name → 422 naming $field', ({ spec, field, message }) => {
    const f = newIpamFixture();
    const err = rejection(() => create(f, 'bad', spec));
    expect(err.httpCode).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.details?.causes?.map((c) => c.field)).toEqual([field]);
    expect(err.message).toBe(message);
    expect(f.ipam.io.poolObjects()).toEqual([]);
  });

  it('rejects a pool overlapping another pool', () => {
    const f = newIpamFixture();
    create(f, 'first', { cidr: '10.244.0.0/16' });
    const err = rejection(() => create(f, 'second', { cidr: '10.244.128.0/17' }));
    expect(err.message).toBe(
      'IPPool.crd.projectcalico.org "second" is invalid: spec.cidr: Invalid value: "10.244.128.0/17": IPPool(second) CIDR overlaps with IPPool(first) CIDR 10.244.0.0/16',
    );
  });

  it("reports each problem once, in Calico's words (the kind checks fields; admission only what netkube adds)", () => {
    const f = newIpamFixture();
    const err = rejection(() => create(f, 'bad', { cidr: '169.254.0.0/16', blockSize: 19 }));
    expect(err.details?.causes?.map((c) => c.message)).toEqual([
      'Invalid value: 19: IPv4 block size must be between 20 and 32',
      'Invalid value: "169.254.0.0/16": IPPool CIDR overlaps with IPv4 Link Local range 169.254.0.0/16',
    ]);
  });

  it('keeps blockSize and cidr immutable', () => {
    const f = newIpamFixture();
    const pool = create(f, 'p', { cidr: '10.244.0.0/16' });
    const err = rejection(() => f.registry.update({ ...pool, spec: { ...pool.spec, blockSize: 24 } }));
    expect(err.message).toBe(
      'IPPool.crd.projectcalico.org "p" is invalid: spec.blockSize: Invalid value: 24: IPPool BlockSize cannot be modified',
    );
    const ok = f.registry.update({ ...pool, spec: { ...pool.spec, natOutgoing: true } });
    expect(ok.spec.natOutgoing).toBe(true);
  });
});
