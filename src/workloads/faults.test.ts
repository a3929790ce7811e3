import { describe, expect, it } from 'vitest';
import { parseFaultAnnotations, readinessForcedDown } from './faults.js';
import { container, testCluster } from './testing/cluster.js';

const P = 'netkube.dev/fault-';

describe('fault annotations', () => {
  it.each([
    { name: 'none', ann: {}, plan: undefined, diags: [] },
    {
      name: 'all',
      ann: {
        [`${P}latency`]: '200ms',
        [`${P}latency-jitter`]: '50ms',
        [`${P}error-rate`]: '10%',
        [`${P}error-mode`]: 'reset',
        [`${P}readiness-flap`]: '20s/10s',
        [`${P}crash-after-requests`]: '3',
        [`${P}crash-exit-code`]: '42',
        [`${P}refuse-connections`]: 'true',
      },
      plan: {
        latencyMs: 200,
        jitterMs: 50,
        errorRate: 0.1,
        errorMode: 'reset',
        readinessFlap: { upMs: 20_000, downMs: 10_000 },
        crashAfterRequests: 3,
        crashExitCode: 42,
        refuseConnections: true,
      },
      diags: [],
    },
    {
      name: 'bad values are ignored with a diagnostic',
      ann: { [`${P}latency`]: 'soon', [`${P}bogus`]: 'x' },
      plan: {
        latencyMs: 0,
        jitterMs: 0,
        errorRate: 0,
        errorMode: 'http-500',
        crashExitCode: 1,
        refuseConnections: false,
      },
      diags: [
        `${P}bogus: unknown fault annotation (known: ${P}container, ${P}latency, ${P}latency-jitter, ${P}error-rate, ${P}error-mode, ${P}readiness-fail-after, ${P}readiness-fail-for, ${P}readiness-flap, ${P}crash-after-requests, ${P}crash-after, ${P}crash-exit-code, ${P}refuse-connections)`,
        `${P}latency: "soon" is not a duration (e.g. 200ms, 30s)`,
      ],
    },
  ])('$name', ({ ann, plan, diags }) => {
    expect(parseFaultAnnotations(ann)).toEqual({ plan, diagnostics: diags });
  });

  it('readiness schedules', () => {
    const plan = {
      latencyMs: 0,
      jitterMs: 0,
      errorRate: 0,
      errorMode: 'http-500' as const,
      crashExitCode: 1,
      refuseConnections: false,
    };
    expect(
      [0, 19_999, 20_000, 29_999, 30_000].map((t) =>
        readinessForcedDown({ ...plan, readinessFlap: { upMs: 20_000, downMs: 10_000 } }, t),
      ),
    ).toEqual([false, false, true, true, false]);
    expect(
      [0, 5_000, 9_999, 10_000].map((t) =>
        readinessForcedDown({ ...plan, readinessFailAfterMs: 5_000, readinessFailForMs: 5_000 }, t),
      ),
    ).toEqual([false, true, true, false]);
  });
});

describe('fault injection in running pods (FakeClock)', () => {
  const WHOAMI = 'traefik/whoami';

  it('adds latency before the app answers', async () => {
    const c = testCluster();
    c.startPod({
      name: 'slow',
      ip: '10.244.1.5',
      annotations: { [`${P}latency`]: '2s' },
      containers: [container('c', WHOAMI)],
    });
    let done = false;
    const pending = c.get('10.244.1.5', 80, '/bench').then((r) => {
      done = true;
      return r;
    });
    await c.settle();
    c.clock.step(1_999);
    await c.settle();
    expect(done).toBe(false);
    c.clock.step(1);
    expect((await pending).endsWith('\r\n\r\n1')).toBe(true);
  });

  it('answers the server’s own 500 at the error rate, or resets', async () => {
    const c = testCluster();
    c.startPod({
      name: 'e',
      ip: '10.244.1.5',
      annotations: { [`${P}error-rate`]: '1' },
      containers: [container('c', 'nginx:1.25.3')],
    });
    const raw = await c.get('10.244.1.5', 80);
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 500 Internal Server Error');
    expect(raw).toContain('<center><h1>500 Internal Server Error</h1></center>');
    c.startPod({
      name: 'r',
      ip: '10.244.1.6',
      annotations: { [`${P}error-rate`]: '1', [`${P}error-mode`]: 'reset' },
      containers: [container('c', WHOAMI)],
    });
    await expect(c.get('10.244.1.6', 80)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('crashes after N requests, and after a time', async () => {
    const c = testCluster();
    const a = c.startPod({
      name: 'a',
      ip: '10.244.1.5',
      annotations: { [`${P}crash-after-requests`]: '2', [`${P}crash-exit-code`]: '3' },
      containers: [container('c', WHOAMI)],
    });
    await c.get('10.244.1.5', 80, '/bench');
    expect(a.exits).toEqual([]);
    await c.get('10.244.1.5', 80, '/bench');
    await c.settle();
    expect(a.exits).toEqual([['c', 3, 'Error']]);
    const b = c.startPod({
      name: 'b',
      ip: '10.244.1.6',
      annotations: { [`${P}crash-after`]: '1m' },
      containers: [container('c', WHOAMI)],
    });
    c.clock.step(60_000);
    await c.settle();
    expect(b.exits).toEqual([['c', 1, 'Error']]);
  });

  it('refuses new connections', async () => {
    const c = testCluster();
    c.startPod({
      name: 'x',
      ip: '10.244.1.5',
      annotations: { [`${P}refuse-connections`]: 'true' },
      containers: [container('c', WHOAMI)],
    });
    await expect(c.get('10.244.1.5', 80)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('targets one container with fault-container', async () => {
    const c = testCluster();
    c.startPod({
      name: 'y',
      ip: '10.244.1.5',
      annotations: { [`${P}refuse-connections`]: 'true', [`${P}container`]: 'side' },
      containers: [
        container('main', WHOAMI),
        container('side', 'hashicorp/http-echo', { args: ['-text=s'] }),
      ],
    });
    expect((await c.get('10.244.1.5', 80)).startsWith('HTTP/1.1 200')).toBe(true);
    await expect(c.get('10.244.1.5', 5678)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
