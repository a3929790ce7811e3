import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock.js';
import { WorkQueue } from './workqueue.js';

describe('WorkQueue', () => {
  it('dedupes keys that are queued and requeues keys added while processing', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    const first = q.get();
    expect(first).toBe('a');
    q.add('a'); // while processing: held until done
    expect(q.get()).toBe('b');
    expect(q.get()).toBeUndefined();
    q.done('a');
    expect(q.get()).toBe('a');
  });

  it('backs off failed keys exponentially and forgets on success', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, baseDelayMs: 10 });
    q.addRateLimited('k');
    clock.step(9);
    expect(q.length).toBe(0);
    clock.step(1);
    expect(q.get()).toBe('k');
    q.done('k');
    q.addRateLimited('k');
    clock.step(19);
    expect(q.length).toBe(0);
    clock.step(1);
    expect(q.length).toBe(1);
    q.forget('k');
    expect(q.retries('k')).toBe(0);
  });
});
