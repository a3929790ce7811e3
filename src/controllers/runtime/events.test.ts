import { describe, expect, it } from 'vitest';
import type { Event, KubeObject } from '../../api/types.js';
import { EventCorrelator } from './event-correlator.js';
import { EventRecorder } from './events.js';
import { newFixture } from './testing.js';

const rs: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'default', uid: 'u1' },
};
const source = { component: 'replicaset-controller' };

function events(
  fx: ReturnType<typeof newFixture>,
): Array<{ reason?: string | undefined; message?: string | undefined; count?: number | undefined }> {
  return fx.store
    .list<Event & KubeObject>('events')
    .sort((a, b) =>
      (a.metadata.resourceVersion ?? '').localeCompare(b.metadata.resourceVersion ?? '', 'en', {
        numeric: true,
      }),
    )
    .map((e) => ({ reason: e.reason, message: e.message, count: e.count }));
}

describe('EventRecorder', () => {
  it('writes an Event with the involved object and source, and bumps count on a repeat', () => {
    const fx = newFixture();
    fx.events.record(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-abc-1', source);
    fx.clock.step(5000);
    fx.events.record(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-abc-1', source);
    const [e] = fx.store.list<Event & KubeObject>('events');
    expect(e).toMatchObject({
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-abc',
        namespace: 'default',
        uid: 'u1',
      },
      reason: 'SuccessfulCreate',
      message: 'Created pod: web-abc-1',
      source: { component: 'replicaset-controller' },
      type: 'Normal',
      count: 2,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:05Z',
    });
    expect(e?.metadata.name).toMatch(/^web-abc\.[0-9a-f]+$/);
  });

  it('combines similar events after 10 distinct messages, and stops at the spam burst of 25', () => {
    const fx = newFixture();
    for (let i = 1; i <= 40; i++)
      fx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-abc-${i}`, source);
    const list = events(fx);
    expect(list).toHaveLength(10);
    expect(list.slice(0, 9).map((e) => e.message)).toEqual(
      Array.from({ length: 9 }, (_, i) => `Created pod: web-abc-${i + 1}`),
    );
    expect(list[9]).toEqual({
      reason: 'SuccessfulCreate',
      message: '(combined from similar events): Created pod: web-abc-25',
      count: 16,
    });
  });

  it('lets a throttled source/object pair through again after the bucket refills (1 per 5 minutes)', () => {
    const c = new EventCorrelator({ spamBurst: 2 });
    const id = (m: string) => ({ object: 'o', source: 's', type: 'Normal', reason: 'R', message: m });
    expect([
      c.correlate(id('a'), 0).allowed,
      c.correlate(id('b'), 0).allowed,
      c.correlate(id('c'), 0).allowed,
    ]).toEqual([true, true, false]);
    expect(c.correlate(id('d'), 300_000).allowed).toBe(true);
  });

  it('keeps at most maxEvents events, deleting the oldest', () => {
    const fx = newFixture();
    const recorder = new EventRecorder({
      registry: fx.registry,
      clock: fx.clock,
      logger: fx.logger,
      maxEvents: 3,
    });
    for (let i = 0; i < 5; i++) {
      const obj = { ...rs, metadata: { ...rs.metadata, name: `pod-${i}`, uid: `p${i}` } };
      recorder.record(obj, 'Normal', 'Scheduled', `Successfully assigned default/pod-${i} to w1`, {
        component: 'default-scheduler',
      });
    }
    expect(
      fx.store
        .list<Event & KubeObject>('events')
        .map((e) => e.involvedObject.name)
        .sort(),
    ).toEqual(['pod-2', 'pod-3', 'pod-4']);
  });

  it('drops events for a namespace that does not exist instead of failing', () => {
    const fx = newFixture();
    fx.events.record({ ...rs, metadata: { ...rs.metadata, namespace: 'nope' } }, 'Normal', 'X', 'y', source);
    expect(fx.store.count('events')).toBe(0);
  });
});
