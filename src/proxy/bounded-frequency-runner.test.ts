import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock.js';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';

function setup(minIntervalMs: number, maxIntervalMs: number) {
  const clock = new FakeClock(0);
  const runs: number[] = [];
  const runner = new BoundedFrequencyRunner({
    clock,
    run: () => runs.push(clock.now()),
    minIntervalMs,
    maxIntervalMs,
  });
  runner.start();
  return { clock, runs, runner };
}

describe('BoundedFrequencyRunner', () => {
  it('runs a request at once, then no more often than the minimum interval, coalescing requests', () => {
    const { clock, runs, runner } = setup(1000, 0);
    runner.request();
    clock.step(0);
    runner.request();
    runner.request();
    clock.step(500);
    expect(runs).toEqual([0]);
    clock.step(500);
    expect(runs).toEqual([0, 1000]);
  });

  it('runs at least every maximum interval', () => {
    const { clock, runs } = setup(0, 60_000);
    clock.step(180_000);
    expect(runs).toEqual([60_000, 120_000, 180_000]);
  });

  it('retries after a failure no sooner than asked', () => {
    const { clock, runs, runner } = setup(100, 0);
    runner.runNow();
    runner.retryAfter(1000);
    clock.step(999);
    expect(runs).toEqual([0]);
    clock.step(1);
    expect(runs).toEqual([0, 1000]);
  });

  it('ignores requests once stopped', () => {
    const { clock, runs, runner } = setup(0, 1000);
    runner.stop();
    runner.request();
    clock.step(5000);
    expect(runs).toEqual([]);
  });
});
