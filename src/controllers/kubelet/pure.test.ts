import { describe, expect, it } from 'vitest';
import { CRASH_LOOP_BACKOFF, isInBackOff, nextBackoff } from './backoff.js';
import { imageID, imageName, parseImage } from './identity.js';
import { pullPolicy } from './image-puller.js';
import { crashLoopMessage, goDuration, goList } from './messages.js';
import { parseQuantity } from './quantity.js';

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [521, '521ms'],
    [1000, '1s'],
    [1021, '1.021s'],
    [1500, '1.5s'],
    [10_000, '10s'],
    [80_000, '1m20s'],
    [160_000, '2m40s'],
    [300_000, '5m0s'],
    [61_500, '1m1.5s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms → %s', (ms, want) => {
    expect(goDuration(ms)).toBe(want);
  });
});

describe('kubelet texts', () => {
  it('formats lists and the CrashLoopBackOff message as Go does', () => {
    expect(goList(['nginx', 'sidecar'])).toBe('[nginx sidecar]');
    expect(
      crashLoopMessage(40_000, 'nginx', { metadata: { name: 'web-x', namespace: 'default', uid: 'u-1' } }),
    ).toBe('back-off 40s restarting failed container=nginx pod=web-x_default(u-1)');
  });
});

describe('image references', () => {
  it.each([
    ['nginx:1.14.2', 'docker.io/library/nginx:1.14.2', 'IfNotPresent'],
    ['nginx', 'docker.io/library/nginx:latest', 'Always'],
    ['nginx:latest', 'docker.io/library/nginx:latest', 'Always'],
    ['traefik/whoami:v1.10', 'docker.io/traefik/whoami:v1.10', 'IfNotPresent'],
    [
      'registry.k8s.io/e2e-test-images/agnhost:2.39',
      'registry.k8s.io/e2e-test-images/agnhost:2.39',
      'IfNotPresent',
    ],
    ['localhost:5000/app', 'localhost:5000/app:latest', 'Always'],
    ['quay.io/app@sha256:abc', 'quay.io/app@sha256:abc', 'IfNotPresent'],
  ])('%s → %s (%s)', (image, name, policy) => {
    expect(imageName(image)).toBe(name);
    expect(pullPolicy({ image })).toBe(policy);
  });

  it('derives a stable repo digest, or keeps the one pinned', () => {
    expect(imageID('nginx:1.14.2')).toBe(imageID('docker.io/library/nginx:1.14.2'));
    expect(imageID('nginx:1.14.2')).not.toBe(imageID('nginx:1.16.1'));
    expect(imageID('quay.io/app@sha256:abc')).toBe('quay.io/app@sha256:abc');
    expect(parseImage('localhost:5000/app:v1')).toEqual({
      repository: 'localhost:5000/app',
      tag: 'v1',
      digest: undefined,
    });
  });

  it('honours an explicit pull policy', () => {
    expect(pullPolicy({ image: 'nginx', imagePullPolicy: 'IfNotPresent' })).toBe('IfNotPresent');
    expect(pullPolicy({ image: 'nginx:1.14.2', imagePullPolicy: 'Never' })).toBe('Never');
  });
});

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['4', 4],
    ['8Gi', 8 * 2 ** 30],
    ['128Mi', 128 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
    ['nope', undefined],
  ])('%s → %s', (text, want) => {
    expect(parseQuantity(text)).toBe(want);
  });
});

describe('CrashLoopBackOff back-off', () => {
  const p = CRASH_LOOP_BACKOFF;

  it('doubles from 10s to a 5m cap', () => {
    let entry = nextBackoff(undefined, 0, p);
    const delays = [entry.delayMs];
    for (let i = 1; i < 8; i++) {
      entry = nextBackoff(entry, i * 1000, p);
      delays.push(entry.delayMs);
    }
    expect(delays.map((d) => d / 1000)).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it.each([
    { name: 'no entry: restart now', entry: undefined, finishedAt: 0, now: 0, want: false },
    {
      name: 'inside the delay',
      entry: { delayMs: 10_000, lastUpdate: 0 },
      finishedAt: 5_000,
      now: 14_000,
      want: true,
    },
    {
      name: 'delay passed',
      entry: { delayMs: 10_000, lastUpdate: 0 },
      finishedAt: 5_000,
      now: 15_000,
      want: false,
    },
    {
      name: 'ran 10+ min: expired',
      entry: { delayMs: 300_000, lastUpdate: 0 },
      finishedAt: 600_001,
      now: 600_001,
      want: false,
    },
  ])('$name', ({ entry, finishedAt, now, want }) => {
    expect(isInBackOff(entry, finishedAt, now, p)).toBe(want);
  });

  it('resets to 10s when the entry has not been bumped for 10 minutes', () => {
    expect(nextBackoff({ delayMs: 300_000, lastUpdate: 0 }, 600_001, p)).toEqual({
      delayMs: 10_000,
      lastUpdate: 600_001,
    });
  });
});
