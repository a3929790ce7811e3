/**
 * `GET …/pods/<name>/log`: resolves and validates the container as the API
 * server's pod registry does (`validateContainer`), asks `PodLogs` for the
 * output and streams it as `text/plain`, flushing every chunk (for
 * `follow=true`). `limitBytes` is enforced here. A pod with no node yet has
 * no logs: 200 with an empty body, as upstream's `LogLocation` answers.
 */
import { notFound, type Pod, StatusError, type Typed } from '../../api/index.js';
import { type RequestContext, warningHeader } from '../http/respond.js';
import type { PodLogOptions } from '../pod-logs.js';
import type { ResourceTarget } from '../routing/paths.js';
import type { HandlerDeps } from './deps.js';
import { hasHost, validateContainer } from './pod-location.js';

function intParam(query: URLSearchParams, name: string, min: number): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new StatusError(
      'BadRequest',
      400,
      `${name}: Invalid value: ${v}: must be greater than or equal to ${min}`,
    );
  }
  return n;
}

function optionsOf(query: URLSearchParams, container: string): PodLogOptions {
  const flag = (name: string) => query.get(name) === 'true' || query.get(name) === '1';
  return {
    container,
    follow: flag('follow'),
    previous: flag('previous'),
    timestamps: flag('timestamps'),
    tailLines: intParam(query, 'tailLines', 0),
    sinceSeconds: intParam(query, 'sinceSeconds', 1),
    sinceTime: query.get('sinceTime') ?? undefined,
    limitBytes: intParam(query, 'limitBytes', 1),
  };
}

/** Streams a container's log. Errors before the first byte are Status responses. */
export async function handlePodLog(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace = '', name = '' } = target;
  const pod = deps.store.get<Typed<Pod>>('pods', namespace, name);
  if (!pod) throw notFound(info, name);
  const options = optionsOf(ctx.query, validateContainer(pod, ctx.query.get('container')));
  // No node yet: upstream's LogLocation has no kubelet to ask and answers an
  // empty body, so `kubectl logs` prints nothing and exits 0.
  const stream = hasHost(pod)
    ? await deps.podLogs.open({ ...options, namespace, podName: name, pod }, ctx.signal)
    : undefined;
  const { res } = ctx;
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
  };
  if (ctx.warnings.length > 0) headers.Warning = ctx.warnings.map(warningHeader);
  res.writeHead(200, headers);
  if (!stream) {
    res.end();
    return;
  }
  res.flushHeaders();
  let remaining = options.limitBytes ?? Number.POSITIVE_INFINITY;
  try {
    for await (const chunk of stream) {
      if (ctx.signal.aborted) break;
      let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      if (buf.length > remaining) buf = buf.subarray(0, remaining);
      remaining -= buf.length;
      if (buf.length > 0) res.write(buf);
      if (remaining <= 0) break;
    }
  } catch (err) {
    deps.logger.debug({ err, pod: `${namespace}/${name}` }, 'pod log stream failed');
  }
  res.end();
}
