/**
 * `end()` that does nothing on a stream already finished or destroyed (its
 * callback still runs). Node's HTTP server ends a socket again when the
 * client's FIN arrives after the response (`socketOnEnd`), and `Writable#end`
 * answers a second call on a finished stream with a new error object (a stack
 * trace per connection) that nobody reads: on a new connection per request
 * that was a visible share of the CPU. Used as a socket's `end` (call it with
 * the socket as `this`).
 */
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';

// biome-ignore lint/suspicious/noExplicitAny: Duplex#end's own signature
export function endUnlessFinished<T extends Duplex>(this: T, chunk?: any, encoding?: any, cb?: any): T {
  if (this.writableFinished || this.destroyed) {
    const done = [chunk, encoding, cb].find((a) => typeof a === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
    return this;
  }
  if (this instanceof Socket) Socket.prototype.end.call(this, chunk, encoding, cb);
  else Duplex.prototype.end.call(this, chunk, encoding, cb);
  return this;
}
