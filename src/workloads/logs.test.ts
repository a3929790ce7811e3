import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock.js';
import { LogStore, rfc3339Nano } from './logs.js';
import { podLogsFromStore } from './pod-logs.js';

describe('LogStore', () => {
  it('keeps current and previous instances, with tail, since and timestamps', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const store = new LogStore({ clock });
    store.startInstance('ns/p/c');
    store.append('ns/p/c', 'one');
    clock.step(1500);
    store.append('ns/p/c', 'two');
    store.startInstance('ns/p/c');
    store.append('ns/p/c', 'three');
    expect(store.read('ns/p/c')).toBe('three\n');
    expect(store.read('ns/p/c', { previous: true })).toBe('one\ntwo\n');
    expect(store.read('ns/p/c', { previous: true, tailLines: 1 })).toBe('two\n');
    expect(store.read('ns/p/c', { previous: true, sinceMs: Date.UTC(2026, 0, 2, 3, 4, 6) })).toBe('two\n');
    expect(store.read('ns/p/c', { previous: true, timestamps: true })).toBe(
      '2026-01-02T03:04:05Z one\n2026-01-02T03:04:06.5Z two\n',
    );
    expect(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5, 120))).toBe('2026-01-02T03:04:05.12Z');
  });

  it('is bounded per instance, dropping the oldest lines', () => {
    const store = new LogStore({ clock: new FakeClock(), maxBytesPerContainer: 10 });
    for (const l of ['aaaa', 'bbbb', 'cccc']) store.append('k', l);
    expect(store.read('k')).toBe('bbbb\ncccc\n');
  });

  it('follows until the instance ends', async () => {
    const store = new LogStore({ clock: new FakeClock() });
    store.startInstance('k');
    store.append('k', 'a');
    const seen: string[] = [];
    const done = (async () => {
      for await (const chunk of store.follow('k', {}, new AbortController().signal)) seen.push(chunk);
    })();
    await new Promise((r) => setImmediate(r));
    store.append('k', 'b');
    store.endInstance('k');
    await done;
    expect(seen).toEqual(['a\n', 'b\n']);
  });

  it('serves PodLogs with the kubelet errors', async () => {
    const clock = new FakeClock();
    const store = new LogStore({ clock });
    const logs = podLogsFromStore(store, clock);
    const base = {
      namespace: 'ns',
      podName: 'p',
      container: 'c',
      follow: false,
      previous: false,
      timestamps: false,
      pod: {} as never,
    };
    expect(() => logs.open(base, new AbortController().signal)).toThrow(
      'container "c" in pod "p" is waiting to start: ContainerCreating',
    );
    store.startInstance('ns/p/c');
    store.append('ns/p/c', 'x');
    expect(() => logs.open({ ...base, previous: true }, new AbortController().signal)).toThrow(
      'previous terminated container "c" in pod "p" not found',
    );
    const chunks: string[] = [];
    for await (const c of await logs.open(base, new AbortController().signal)) chunks.push(String(c));
    expect(chunks).toEqual(['x\n']);
  });
});
