/**
 * Joins two byte streams both ways, as a TCP relay does: each one's bytes go to
 * the other, either one's end half-closes the other, and an error or a close
 * on one side tears both down.
 */
import type { Duplex } from 'node:stream';

export function joinStreams(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const destroyBoth = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', destroyBoth);
  b.on('error', destroyBoth);
  a.on('close', () => b.end());
  b.on('close', () => a.end());
}
