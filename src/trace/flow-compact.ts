/**
 * A flow record as one line, modelled on `hubble observe -o compact`:
 *
 *   Nov 22 02:10:01.123: default/client:41234 -> default/web-7d4b9-x2x7k:8080 (svc default/web:http) to-endpoint FORWARDED (TCP Flags: SYN)
 *   Nov 22 02:10:01.125: default/client:41234 <- default/web-7d4b9-x2x7k:8080 http-response FORWARDED (HTTP/1.1 200 2ms (GET http://web/))
 *
 * L7 records are HTTP responses (`is_reply`): Hubble prints the client first
 * and `<-`, then `http-response` and the summary of its HTTP parser
 * (`PROTOCOL CODE LATENCYms (METHOD URL)`). Through the ingress controller
 * the line also names the Ingress that matched.
 *
 * Hubble prints security identities in the parentheses after an address;
 * netkube has none, so it names what it knows instead: the Service that
 * translated the flow, `(node NAME)` for node addresses and `(world)` for
 * addresses outside the cluster. Dropped flows carry the drop reason where
 * Hubble prints it, before the verdict.
 */

type Json = Record<string, unknown>;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) cur = (cur as Json | undefined)?.[key];
  return cur;
}

/** Go's `time.StampMilli` (`Jan _2 15:04:05.000`) in `timeZone` (default UTC). */
export function stampMilli(time: string, timeZone = 'UTC'): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return time;
  let parts: Record<string, string>;
  try {
    parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
  } catch {
    return stampMilli(time, 'UTC');
  }
  const month = MONTHS[Number(parts.month) - 1] ?? '???';
  const ms = String(date.getUTCMilliseconds()).padStart(3, '0');
  return `${month} ${String(parts.day).padStart(2, ' ')} ${parts.hour}:${parts.minute}:${parts.second}.${ms}`;
}

function endpoint(flow: Json, side: 'source' | 'destination'): string {
  const pod = get(flow, side, 'pod_name');
  const ns = get(flow, side, 'namespace');
  const ip = get(flow, side, 'ip') ?? get(flow, 'IP', side);
  const port = get(flow, side, 'port');
  const who = pod ? `${ns ? `${ns}/` : ''}${pod}` : String(ip ?? '?');
  const node = get(flow, side, 'node_name');
  const tag = pod ? '' : node ? ` (node ${node})` : ' (world)';
  return `${who}${port !== undefined ? `:${port}` : ''}${tag}`;
}

function service(flow: Json): string {
  return svcTag(get(flow, 'destination_service') as Json | undefined);
}

function protocolText(flow: Json): string {
  return get(flow, 'l4', 'UDP') ? 'UDP' : 'TCP Flags: SYN';
}

function svcTag(s: Json | undefined): string {
  return s ? ` (svc ${s.namespace}/${s.name}${s.port ? `:${s.port}` : ''})` : '';
}

/** Hubble's HTTP response summary: `HTTP/1.1 200 6ms (GET http://web/)`. */
function httpSummary(flow: Json, http: Json): string {
  const ms = Math.floor(Number(get(flow, 'l7', 'latency_ns') ?? 0) / 1e6);
  return `${http.protocol ?? 'HTTP/1.1'} ${http.code ?? 0} ${ms}ms (${http.method ?? ''} ${http.url ?? ''})`;
}

function compactL7(flow: Json, time: string, verdict: string, http: Json): string {
  const reply = flow.is_reply === true;
  const first = endpoint(flow, reply ? 'destination' : 'source');
  const second = endpoint(flow, reply ? 'source' : 'destination');
  const ingress = get(flow, 'ingress') as Json | undefined;
  const svc = svcTag(
    (get(flow, 'source_service') ?? get(flow, 'destination_service') ?? ingress?.service) as Json | undefined,
  );
  const via = ingress?.name ? ` (ingress ${ingress.namespace}/${ingress.name})` : '';
  return `${time}: ${first} ${reply ? '<-' : '->'} ${second}${svc}${via} http-response ${verdict} (${httpSummary(flow, http)})\n`;
}

/** One flow as a compact line, ending in a newline. */
export function compactFlow(flow: Json, options: { timeZone?: string } = {}): string {
  const time = stampMilli(String(flow.time ?? ''), options.timeZone);
  const verdict = String(flow.verdict ?? '');
  const http = get(flow, 'l7', 'http') as Json | undefined;
  if (http) return compactL7(flow, time, verdict, http);
  const delivered = get(flow, 'destination', 'pod_name') !== undefined;
  const point =
    verdict === 'FORWARDED'
      ? delivered
        ? 'to-endpoint'
        : 'to-stack'
      : String(flow.drop_reason_desc ?? 'dropped');
  return `${time}: ${endpoint(flow, 'source')} -> ${endpoint(flow, 'destination')}${service(flow)} ${point} ${verdict} (${protocolText(flow)})\n`;
}
