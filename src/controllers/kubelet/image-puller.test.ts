import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/clock.js';
import { ImagePuller } from './image-puller.js';

/** A puller on a fake clock whose events are kept as `<ms> <pod> <reason>: <message>` lines. */
function puller(pullMs = 1000, repullMs = 20) {
  const clock = new FakeClock(0);
  const images = new ImagePuller({ clock, pullMs, repullMs });
  const log: string[] = [];
  const ready: string[] = [];
  const ensure = (pod: string, image: string) =>
    images.ensure(
      { image },
      (reason, message) =>
        log.push(`${clock.now()} ${pod} ${reason}: ${message.replace(/ Image size.*/, '')}`),
      () => ready.push(`${clock.now()} ${pod}`),
    );
  return { clock, images, log, ready, ensure };
}

/** `[pull, including waiting]` in ms of every Pulled message. */
function durations(log: readonly string[]): Array<[number, number]> {
  const ms = (n: string | undefined, unit: string | undefined) => Number(n) * (unit === 's' ? 1000 : 1);
  return log.flatMap((line) => {
    const m = /in ([\d.]+)(m?s) \(([\d.]+)(m?s) including waiting\)/.exec(line);
    return m ? [[ms(m[1], m[2]), ms(m[3], m[4])] as [number, number]] : [];
  });
}

describe('ImagePuller', () => {
  it('a pod that joins a pull in progress reports the time it waited, never more than including waiting', () => {
    const p = puller();
    p.ensure('a', 'nginx:1.14.2');
    p.clock.step(400);
    p.ensure('b', 'nginx:1.14.2');
    p.clock.step(2000);
    expect(p.log).toEqual([
      '0 a Pulling: Pulling image "nginx:1.14.2"',
      '400 b Pulling: Pulling image "nginx:1.14.2"',
      '1000 a Pulled: Successfully pulled image "nginx:1.14.2" in 1s (1s including waiting).',
      '1000 b Pulled: Successfully pulled image "nginx:1.14.2" in 600ms (600ms including waiting).',
    ]);
    expect(p.ready).toEqual(['1000 a', '1000 b']);
    for (const [pull, total] of durations(p.log)) expect(pull).toBeLessThanOrEqual(total);
  });

  it('pulls different images in parallel and finds a pulled image present', () => {
    const p = puller();
    p.ensure('a', 'nginx:1.14.2');
    p.ensure('b', 'httpd:2.4');
    p.clock.step(1000);
    p.ensure('c', 'nginx:1.14.2');
    expect(p.ready).toEqual(['1000 a', '1000 b', '1000 c']);
    expect(p.log.at(-1)).toBe('1000 c Pulled: Container image "nginx:1.14.2" already present on machine');
  });

  it('keeps a download while one pod still waits for it, and abandons it when none does', () => {
    const p = puller();
    const cancelA = p.ensure('a', 'nginx:1.14.2');
    p.clock.step(200);
    p.ensure('b', 'nginx:1.14.2');
    cancelA();
    p.clock.step(1000);
    expect(p.ready).toEqual(['1000 b']);
    expect(p.images.has('nginx:1.14.2')).toBe(true);

    const cancelC = p.ensure('c', 'httpd:2.4');
    p.clock.step(300);
    cancelC();
    cancelC();
    p.clock.step(2000);
    expect(p.images.has('httpd:2.4')).toBe(false);
    // A later pod pulls afresh instead of joining the abandoned download.
    p.ensure('d', 'httpd:2.4');
    p.clock.step(1000);
    expect(p.log.at(-1)).toBe(
      '4500 d Pulled: Successfully pulled image "httpd:2.4" in 1s (1s including waiting).',
    );
  });

  it('completes 0 ms pulls at once, including the requests made from a done callback', () => {
    const clock = new FakeClock(0);
    const images = new ImagePuller({ clock, pullMs: 0, repullMs: 0 });
    const order: string[] = [];
    images.ensure(
      { image: 'busybox:1.36' },
      () => {},
      () => {
        order.push('init');
        images.ensure(
          { image: 'nginx:1.14.2' },
          () => {},
          () => order.push('app'),
        );
      },
    );
    expect(order).toEqual(['init', 'app']);
  });
});
