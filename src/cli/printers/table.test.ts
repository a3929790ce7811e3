import { describe, expect, it } from 'vitest';
import { type Table, TablePrinter, type TablePrintOptions } from './table.js';
import { TABLE_TABWRITER, TabWriter } from './tabwriter.js';

const POD_COLUMNS = [
  { name: 'Name', type: 'string', format: 'name', priority: 0 },
  { name: 'Ready', type: 'string', priority: 0 },
  { name: 'Status', type: 'string', priority: 0 },
  { name: 'Restarts', type: 'string', priority: 0 },
  { name: 'Age', type: 'string', priority: 0 },
  { name: 'IP', type: 'string', priority: 1 },
  { name: 'Node', type: 'string', priority: 1 },
  { name: 'Nominated Node', type: 'string', priority: 1 },
  { name: 'Readiness Gates', type: 'string', priority: 1 },
];

function pod(name: string, ns: string, cells: unknown[]) {
  return {
    cells: [name, ...cells],
    object: { metadata: { name, namespace: ns, labels: { app: 'web', 'pod-template-hash': '66b6c48dd5' } } },
  };
}

const pods: Table = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion: '12' },
  columnDefinitions: POD_COLUMNS,
  rows: [
    pod('nginx-deployment-66b6c48dd5-4jw2p', 'default', [
      '1/1',
      'Running',
      '0',
      '3m',
      '10.244.1.2',
      'worker-1',
      '<none>',
      '<none>',
    ]),
    pod('nginx-deployment-66b6c48dd5-x8k2d', 'default', [
      '0/1',
      'ContainerCreating',
      '0',
      '1s',
      '<none>',
      'worker-2',
      '<none>',
      '<none>',
    ]),
  ],
};

function render(table: Table, options: TablePrintOptions): string {
  let out = '';
  const w = new TabWriter((t) => {
    out += t;
  }, TABLE_TABWRITER);
  new TablePrinter(options).print(table, w);
  w.flush();
  return out;
}

describe('TablePrinter (kubectl get human-readable output)', () => {
  it.each<{ name: string; options: TablePrintOptions; golden: string }>([
    { name: 'default columns', options: {}, golden: 'get-pods.txt' },
    { name: '-o wide adds priority-1 columns', options: { wide: true }, golden: 'get-pods-wide.txt' },
    {
      name: '-A prepends NAMESPACE',
      options: { withNamespace: true },
      golden: 'get-pods-all-namespaces.txt',
    },
    {
      name: '--show-labels appends LABELS',
      options: { showLabels: true },
      golden: 'get-pods-show-labels.txt',
    },
    {
      name: 'several kinds prefix names with kind',
      options: { kindPrefix: 'pod' },
      golden: 'get-pods-with-kind.txt',
    },
    {
      name: '-L adds one column per label key',
      options: { columnLabels: ['app.kubernetes.io/app', 'app'] },
      golden: 'get-pods-label-columns.txt',
    },
  ])('$name', async ({ options, golden }) => {
    await expect(render(pods, options)).toMatchFileSnapshot(`__golden__/${golden}`);
  });

  it('prints nothing, not even headers, for an empty table', () => {
    expect(render({ ...pods, rows: [] }, {})).toBe('');
  });

  it('prints headers once for watch events with the same (or no) column definitions', () => {
    let out = '';
    const w = new TabWriter((t) => {
      out += t;
    }, TABLE_TABWRITER);
    const printer = new TablePrinter({});
    printer.print({ ...pods, rows: [pods.rows?.[0] as never] }, w);
    w.flush();
    printer.print(
      {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        columnDefinitions: null,
        rows: [pods.rows?.[1] as never],
      },
      w,
    );
    w.flush();
    expect(out).toBe(
      'NAME                                READY   STATUS    RESTARTS   AGE\n' +
        'nginx-deployment-66b6c48dd5-4jw2p   1/1     Running   0          3m\n' +
        'nginx-deployment-66b6c48dd5-x8k2d   0/1     ContainerCreating   0          1s\n',
    );
  });

  it('cuts cells at the first line break and escapes terminal control characters', () => {
    const t: Table = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      columnDefinitions: [
        { name: 'Name', type: 'string', format: 'name' },
        { name: 'Data', type: 'integer' },
        { name: 'Message', type: 'string' },
      ],
      rows: [{ cells: ['a\x1b[31m', 3, 'first line\nsecond'] }],
    };
    expect(render(t, {})).toBe('NAME      DATA   MESSAGE\na^[[31m   3      first line...\n');
  });
});
