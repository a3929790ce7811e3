import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleName, hostAffinity } from './objects.js';

describe('handleName', () => {
  it('lower-cases exactly as toLowerCase does (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom('a', 'F', '0', '.', '-') }),
        ),
        (id) => {
          expect(handleName(id)).toBe(id.toLowerCase());
        },
      ),
    );
  });

  it.each([
    ['k8s-pod-network.0a1b', 'k8s-pod-network.0a1b'],
    ['k8s-pod-network.0A1B', 'k8s-pod-network.0a1b'],
    ['ipip-tunnel-addr-Node-1', 'ipip-tunnel-addr-node-1'],
    ['Ärger', 'ärger'],
  ])('%s → %s', (id, name) => {
    expect(handleName(id)).toBe(name);
  });
});

describe('hostAffinity', () => {
  it('is host:<node>, the same string for a node every time', () => {
    expect(hostAffinity('node-1')).toBe('host:node-1');
    expect(hostAffinity('node-1')).toBe(hostAffinity(`node-${1}`));
  });
});
