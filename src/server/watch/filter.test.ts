import { describe, expect, it } from 'vitest';
import { type KubeObject, parseSelector } from '../../api/index.js';
import type { WatchEvent } from '../../store/watch.js';
import { filterWatchEvent } from './filter.js';

function pod(rv: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', resourceVersion: rv, labels },
  };
}

const web = parseSelector('app=web');
const matches = (o: KubeObject) => web.matches(o.metadata.labels);

describe('filterWatchEvent (label selector app=web)', () => {
  it.each<{ name: string; event: WatchEvent; want: { type: string; rv: string; app?: string } | undefined }>([
    {
      name: 'ADDED, matching',
      event: { type: 'ADDED', resource: 'pods', object: pod('2', { app: 'web' }) },
      want: { type: 'ADDED', rv: '2', app: 'web' },
    },
    {
      name: 'ADDED, not matching',
      event: { type: 'ADDED', resource: 'pods', object: pod('2', { app: 'db' }) },
      want: undefined,
    },
    {
      name: 'MODIFIED, still matching',
      event: {
        type: 'MODIFIED',
        resource: 'pods',
        object: pod('3', { app: 'web', v: '2' }),
        previous: pod('2', { app: 'web' }),
      },
      want: { type: 'MODIFIED', rv: '3', app: 'web' },
    },
    {
      name: 'MODIFIED into the selection: ADDED',
      event: {
        type: 'MODIFIED',
        resource: 'pods',
        object: pod('3', { app: 'web' }),
        previous: pod('2', { app: 'db' }),
      },
      want: { type: 'ADDED', rv: '3', app: 'web' },
    },
    {
      name: 'MODIFIED out of the selection: DELETED with the previous content and the new resourceVersion',
      event: {
        type: 'MODIFIED',
        resource: 'pods',
        object: pod('3', { app: 'db' }),
        previous: pod('2', { app: 'web' }),
      },
      want: { type: 'DELETED', rv: '3', app: 'web' },
    },
    {
      name: 'MODIFIED, never matching',
      event: {
        type: 'MODIFIED',
        resource: 'pods',
        object: pod('3', { app: 'db' }),
        previous: pod('2', { app: 'db' }),
      },
      want: undefined,
    },
    {
      name: 'DELETED, matching',
      event: { type: 'DELETED', resource: 'pods', object: pod('4', { app: 'web' }) },
      want: { type: 'DELETED', rv: '4', app: 'web' },
    },
    {
      name: 'DELETED, not matching',
      event: { type: 'DELETED', resource: 'pods', object: pod('4', { app: 'db' }) },
      want: undefined,
    },
  ])('$name', ({ event, want }) => {
    const out = filterWatchEvent(event, matches);
    if (!want) {
      expect(out).toBeUndefined();
      return;
    }
    expect(out?.type).toBe(want.type);
    expect(out?.object.metadata.resourceVersion).toBe(want.rv);
    expect(out?.object.metadata.labels?.app).toBe(want.app);
  });
});
