import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressText,
  blockCidrOf,
  cidrToName,
  formatCidr,
  formatIPv4,
  networkOf,
  parseBlockCidr,
} from './ipv4.js';
import { blockName } from './objects.js';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });

describe('addressText', () => {
  it('is formatIPv4, whatever the table held before', () => {
    fc.assert(
      fc.property(fc.array(uint32, { minLength: 1, maxLength: 50 }), (ips) => {
        for (const ip of ips) expect(addressText(ip)).toBe(formatIPv4(ip));
      }),
    );
  });

  it.each([0, 1, 255, 256, 0x0a000000, 0x0a0010ff, 0xffffffff, 0x01001000])('%d', (ip) => {
    // 0x0a001000 and 0x01001000 share a table slot with other /24s: the key decides.
    expect(addressText(ip)).toBe(formatIPv4(ip));
    expect(addressText(ip ^ 0x01000000)).toBe(formatIPv4((ip ^ 0x01000000) >>> 0));
    expect(addressText(ip)).toBe(formatIPv4(ip));
  });
});

describe('block CIDRs', () => {
  const blockOf = fc
    .tuple(uint32, fc.integer({ min: 0, max: 32 }))
    .map(([ip, prefix]) => networkOf(ip, prefix));

  it('gives one object per block, whatever the spelling, with its text and name', () => {
    fc.assert(
      fc.property(blockOf, uint32, (cidr, hostBits) => {
        const c = blockCidrOf(cidr);
        expect(c).toEqual({
          network: cidr.network,
          prefix: cidr.prefix,
          text: formatCidr(cidr),
          name: cidrToName(cidr),
        });
        expect(blockCidrOf({ network: cidr.network, prefix: cidr.prefix })).toBe(c);
        expect(parseBlockCidr(formatCidr(cidr))).toBe(c);
        // Host bits set: Go's ParseCIDR masks them, and so does parseCidr.
        const spelled = `${formatIPv4((cidr.network | (hostBits & ~(0xffffffff << (32 - cidr.prefix)))) >>> 0)}/${cidr.prefix}`;
        if (cidr.prefix > 0) expect(parseBlockCidr(spelled)).toBe(c);
        expect(blockName(cidr)).toBe(c.name);
      }),
    );
  });
});
