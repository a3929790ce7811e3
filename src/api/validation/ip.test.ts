import { afterEach, describe, expect, it } from 'vitest';
import { setEmulatedRoutableRanges, validateNonSpecialIP } from './ip.js';

describe('validateNonSpecialIP', () => {
  afterEach(() => setEmulatedRoutableRanges([]));

  it.each([
    { ip: '10.244.1.5', want: [] },
    { ip: '127.0.0.1', want: ['may not be in the loopback range (127.0.0.0/8, ::1/128)'] },
    { ip: '0.0.0.0', want: ['may not be unspecified (0.0.0.0)'] },
    { ip: '169.254.1.1', want: ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'] },
    { ip: '224.0.0.5', want: ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'] },
    { ip: 'not-an-ip', want: ['must be a valid IP address'] },
  ])('$ip', ({ ip, want }) => {
    expect(validateNonSpecialIP('subsets[0].addresses[0].ip', ip).map((e) => e.detail)).toEqual(want);
  });

  it('accepts loopback addresses inside the emulated node and load-balancer ranges only', () => {
    setEmulatedRoutableRanges(['127.0.10.0/24', '127.0.20.0/24']);
    expect(validateNonSpecialIP('ip', '127.0.10.2')).toEqual([]);
    expect(validateNonSpecialIP('ip', '127.0.20.1')).toEqual([]);
    expect(validateNonSpecialIP('ip', '127.0.0.1').map((e) => e.detail)).toEqual([
      'may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });
});
