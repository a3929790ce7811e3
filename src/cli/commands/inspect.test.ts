import { describe, expect, it } from 'vitest';
import type { CliContext } from '../context.js';
import { runConntrack, runRules } from './inspect.js';

/** A context whose client answers every text request with `body`, recording what was asked. */
function fakeContext(body: string) {
  const out: string[] = [];
  const err: string[] = [];
  const requests: Array<{ path: string; query: unknown }> = [];
  const client = {
    async text(_method: string, path: string, options: { query?: unknown } = {}) {
      requests.push({ path, query: options.query });
      return body;
    },
  };
  const ctx = {
    client: () => client,
    out: (t: string) => out.push(t),
    err: (t: string) => err.push(t),
  } as unknown as CliContext;
  return { ctx, out, err, requests };
}

const ENTRY =
  'tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.10.2 sport=51234 dport=30080 src=10.244.1.5 dst=127.0.10.2 sport=8080 dport=51234 [ASSURED] mark=0 use=1\n';

describe('netkube conntrack', () => {
  it('prints the entries on stdout and the summary on stderr, as conntrack -L does', async () => {
    const f = fakeContext(`${ENTRY}conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n`);
    await runConntrack(f.ctx, { node: 'worker-1' });
    expect(f.out.join('')).toBe(ENTRY);
    expect(f.err.join('')).toBe('conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n');
  });

  it('prints nothing on stdout for an empty table', async () => {
    const f = fakeContext('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n');
    await runConntrack(f.ctx, { node: 'worker-1' });
    expect(f.out.join('')).toBe('');
    expect(f.err.join('')).toBe('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n');
  });

  it('passes other text through', async () => {
    const f = fakeContext(ENTRY);
    await runConntrack(f.ctx, { node: 'worker-1' });
    expect(f.out.join('')).toBe(ENTRY);
    expect(f.err).toEqual([]);
  });
});

describe('netkube rules --format', () => {
  it.each([
    [
      { mode: 'nftables', format: 'restore' },
      '--format applies only to --mode iptables: the nftables view has one format',
    ],
    [
      { mode: 'ipvs', format: 'save' },
      '--format applies only to --mode iptables: the ipvs view has one format',
    ],
    [{ format: 'json' }, 'invalid argument "json" for "--format" flag: must be one of restore, save'],
  ])('refuses %o before asking the server', async (opts, message) => {
    const f = fakeContext('');
    await expect(runRules(f.ctx, { node: 'worker-1', ...opts })).rejects.toThrow(message);
    expect(f.requests).toEqual([]);
  });

  it.each([{ format: 'restore' }, { mode: 'iptables', format: 'save' }, { mode: 'nftables' }])(
    'sends %o',
    async (opts) => {
      const f = fakeContext('*filter\n');
      await runRules(f.ctx, { node: 'worker-1', ...opts });
      expect(f.requests).toEqual([
        {
          path: expect.stringContaining('/nodes/worker-1/rules'),
          query: { mode: opts.mode, format: 'format' in opts ? opts.format : undefined },
        },
      ]);
    },
  );
});
