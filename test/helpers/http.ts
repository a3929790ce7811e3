/** Plain HTTP requests from the laptop for end-to-end tests against a running emulator. */
import { request } from 'node:http';

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One HTTP/1.1 request from the laptop (a fresh connection), with its Host header. */
export function get(
  address: string,
  port: number,
  path: string,
  host: string,
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, method, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Repeats a request until it is answered with `status` (routes and endpoints propagate after Ready). */
export async function until(status: number, send: () => Promise<Answer>, attempts = 200): Promise<Answer> {
  let last: Answer | Error = new Error('not sent');
  for (let i = 0; i < attempts; i++) {
    last = await send().catch((err: Error) => err);
    if (!(last instanceof Error) && last.status === status) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never answered ${status}: ${last instanceof Error ? last.message : last.status}`);
}
