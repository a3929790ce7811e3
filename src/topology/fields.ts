/**
 * The fields a topology file may hold, with their JSON types, for the
 * unknown-field and type checks that run before anything else (a misspelt
 * field must not be silently ignored and leave a default in its place).
 */

/** A field's expected type; `section` nests, `list` holds items of a section. */
export type FieldType =
  | { readonly kind: 'string' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'quantity' }
  | { readonly kind: 'string-map' }
  | { readonly kind: 'section'; readonly fields: Readonly<Record<string, FieldType>> }
  | { readonly kind: 'list'; readonly item: FieldType };

const string: FieldType = { kind: 'string' };
const integer: FieldType = { kind: 'integer' };
const boolean: FieldType = { kind: 'boolean' };
const quantity: FieldType = { kind: 'quantity' };
const section = (fields: Record<string, FieldType>): FieldType => ({ kind: 'section', fields });

const address = section({ address: string });

/** The whole file. */
export const TOPOLOGY_FIELDS: FieldType = section({
  apiVersion: string,
  kind: string,
  name: string,
  allowNonLoopback: boolean,
  api: address,
  dns: address,
  socks: address,
  networking: section({
    podSubnet: string,
    serviceSubnet: string,
    nodePortRange: string,
    clusterDomain: string,
    proxyMode: string,
    ipvsScheduler: string,
    nodeSubnet: string,
    loadBalancerPool: string,
    ipam: section({
      type: string,
      blockSize: integer,
      blockSelection: string,
      encapsulation: string,
      strictAffinity: boolean,
    }),
  }),
  ingress: section({
    enabled: boolean,
    httpNodePort: integer,
    httpsNodePort: integer,
    nodeSelector: { kind: 'string-map' },
  }),
  nodeLifecycle: section({
    podEvictionTimeoutSeconds: integer,
    heartbeatSeconds: integer,
    nodeMonitorGracePeriodSeconds: integer,
  }),
  nodes: {
    kind: 'list',
    item: section({
      name: string,
      role: string,
      address: string,
      capacity: section({ cpu: quantity, memory: quantity, pods: integer }),
      labels: { kind: 'string-map' },
      taints: { kind: 'list', item: section({ key: string, value: string, effect: string }) },
    }),
  },
});

function typeName(t: FieldType): string {
  switch (t.kind) {
    case 'section':
    case 'string-map':
      return 'a mapping';
    case 'list':
      return 'a list';
    case 'quantity':
      return 'a quantity (e.g. 4, 500m, 8Gi)';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
  }
}

function matches(t: FieldType, value: unknown): boolean {
  switch (t.kind) {
    case 'section':
    case 'string-map':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'list':
      return Array.isArray(value);
    case 'quantity':
      return typeof value === 'string' || typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
  }
}

/** Levenshtein distance, for "did you mean" on misspelt fields. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j] ?? 0;
      row[j] = next;
    }
  }
  return row[b.length] ?? 0;
}

function suggestion(name: string, known: readonly string[]): string {
  const close = known
    .map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return close ? ` (did you mean "${close.k}"?)` : '';
}

/** A problem found in a topology file: a field path (`nodes[1].address`) and what is wrong there. */
export interface TopologyProblem {
  readonly path: string;
  readonly message: string;
}

/** Unknown fields and values of the wrong type, with their paths. Null values count as absent. */
export function checkFields(value: unknown, type: FieldType = TOPOLOGY_FIELDS, path = ''): TopologyProblem[] {
  if (value === null || value === undefined) return [];
  if (!matches(type, value)) return [{ path: path || '(root)', message: `must be ${typeName(type)}` }];
  const problems: TopologyProblem[] = [];
  if (type.kind === 'section') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const childPath = path ? `${path}.${k}` : k;
      const field = type.fields[k];
      if (!field)
        problems.push({
          path: childPath,
          message: `unknown field${suggestion(k, Object.keys(type.fields))}`,
        });
      else problems.push(...checkFields(v, field, childPath));
    }
  } else if (type.kind === 'list') {
    (value as unknown[]).forEach((v, i) => {
      problems.push(...checkFields(v, type.item, `${path}[${i}]`));
    });
  } else if (type.kind === 'string-map') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v !== 'string')
        problems.push({ path: `${path}[${k}]`, message: 'must be a string (quote numbers and booleans)' });
    }
  }
  return problems;
}
