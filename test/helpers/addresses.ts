/**
 * Loopback address plans for tests that open sockets. Every test file that binds
 * fixed ports takes a distinct `slot` (listed in SLOTS below, checked for
 * duplicates by a test), so files running in parallel never collide: slot N owns
 * 127.(200 + N >> 8).(N & 255).0/24 and nothing else.
 *
 * Tests that can use port 0 on 127.0.0.1 should do that instead.
 */

/** Test files and their slot. Add a line when a new test file needs fixed addresses. */
export const SLOTS = {
  'test/e2e/cli.test.ts': 1,
  'test/e2e/cli-emulator.test.ts': 2,
  'src/dataplane/dataplane-socks.test.ts': 3,
  'src/dataplane/dataplane-health.test.ts': 4,
} as const satisfies Record<string, number>;

/**
 * Test files that start whole emulators, and the topology address slot each
 * uses (`NETKUBE_SLOT`, or `loadTopology({ slot })`): slot s owns 127.s.10.0/24
 * (nodes), 127.s.20.0/24 (LoadBalancer IPs), 127.0.0.1:(10053+s) (DNS) and
 * 127.0.0.1:(1080+s) (SOCKS) — see src/topology/addresses.ts. Slots 100–199
 * are for tests; 0 is a developer's own `netkube up`.
 */
export const EMULATOR_SLOTS = {
  'test/e2e/core-flow.test.ts': 100,
  'test/e2e/network-policy.test.ts': 120,
  'test/e2e/packet-cases.test.ts': 110,
  'test/e2e/packet-cases-examples.test.ts': 111,
  'test/e2e/fd-limit.test.ts': 115,
  'test/e2e/flows-l7.test.ts': 114,
  'test/e2e/examples-rolling-update.test.ts': 112,
  'test/e2e/examples-node-failure.test.ts': 113,
  'test/e2e/examples-ingress.test.ts': 116,
  'test/e2e/ingress-addon.test.ts': 117,
  'test/e2e/ingress-addon.test.ts (apply)': 118,
} as const satisfies Record<string, number>;

export interface TestNet {
  /** `127.200.N.` — append the host octet. */
  readonly prefix: string;
  /** The /24 owned by the slot. */
  readonly cidr: string;
  /** The n-th address of the slot (1-based). */
  address(n: number): string;
}

export function testNet(slot: number): TestNet {
  if (!Number.isInteger(slot) || slot < 1 || slot > 2000) throw new Error(`Bad test slot ${slot}`);
  const prefix = `127.${200 + (slot >> 8)}.${slot & 255}.`;
  return { prefix, cidr: `${prefix}0/24`, address: (n) => `${prefix}${n}` };
}
