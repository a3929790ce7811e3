#!/usr/bin/env node
/**
 * Generates src/api/generated/api-schema.ts: the known fields of every kind
 * netkube serves, read from the type definitions in node_modules/kubernetes-types
 * (which mirror the Kubernetes OpenAPI), plus the Calico IPAM kinds, which
 * kubernetes-types does not carry. `findUnknownFields` and `checkFieldTypes`
 * (src/api/unknown-fields.ts) walk objects against it.
 *
 * Run after upgrading kubernetes-types:  node scripts/generate-api-schema.mjs
 * src/api/generated/api-schema.test.ts fails when the committed file is stale.
 *
 * Field type codes: `string`, `number`, `boolean`, `int-or-string`,
 * `quantity`, `any` (free-form), a type name (`core.PodSpec`), `[]<code>` for
 * a list and `{}<code>` for a map with string keys.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES_DIR = join(ROOT, 'node_modules', 'kubernetes-types');
export const OUTPUT = join(ROOT, 'src', 'api', 'generated', 'api-schema.ts');

/** Kind → `module/version.Interface` in kubernetes-types. */
const ROOTS = {
  ConfigMap: 'core/v1.ConfigMap',
  Deployment: 'apps/v1.Deployment',
  EndpointSlice: 'discovery/v1.EndpointSlice',
  Endpoints: 'core/v1.Endpoints',
  Event: 'core/v1.Event',
  Ingress: 'networking/v1.Ingress',
  IngressClass: 'networking/v1.IngressClass',
  Lease: 'coordination/v1.Lease',
  Namespace: 'core/v1.Namespace',
  NetworkPolicy: 'networking/v1.NetworkPolicy',
  Node: 'core/v1.Node',
  Pod: 'core/v1.Pod',
  ReplicaSet: 'apps/v1.ReplicaSet',
  Secret: 'core/v1.Secret',
  Service: 'core/v1.Service',
};

/**
 * The Calico kinds (group crd.projectcalico.org, as `kubectl get ippools`
 * shows them on a Calico cluster), from projectcalico/api `pkg/apis/projectcalico/v3`
 * and libcalico-go's CRD backend. Allocation bookkeeping that users never
 * write is kept free-form (`any`).
 */
const CALICO_TYPES = {
  'calico.IPPool': {
    apiVersion: 'string',
    kind: 'string',
    metadata: 'meta.ObjectMeta',
    spec: 'calico.IPPoolSpec',
  },
  'calico.IPPoolSpec': {
    cidr: 'string',
    vxlanMode: 'string',
    ipipMode: 'string',
    natOutgoing: 'boolean',
    disabled: 'boolean',
    disableBGPExport: 'boolean',
    nodeSelector: 'string',
    namespaceSelector: 'string',
    blockSize: 'number',
    allowedUses: '[]string',
    assignmentMode: 'string',
    ipip: 'any',
    'nat-outgoing': 'boolean',
  },
  'calico.BlockAffinity': {
    apiVersion: 'string',
    kind: 'string',
    metadata: 'meta.ObjectMeta',
    spec: 'calico.BlockAffinitySpec',
  },
  'calico.BlockAffinitySpec': {
    state: 'string',
    node: 'string',
    type: 'string',
    cidr: 'string',
    deleted: 'any',
  },
  'calico.IPAMBlock': {
    apiVersion: 'string',
    kind: 'string',
    metadata: 'meta.ObjectMeta',
    spec: 'calico.IPAMBlockSpec',
  },
  'calico.IPAMBlockSpec': {
    cidr: 'string',
    affinity: 'any',
    allocations: '[]any',
    unallocated: '[]number',
    attributes: '[]any',
    sequenceNumber: 'number',
    sequenceNumberForAllocation: '{}number',
    deleted: 'boolean',
    strictAffinity: 'boolean',
    affinityClaimTime: 'string',
  },
  'calico.IPAMHandle': {
    apiVersion: 'string',
    kind: 'string',
    metadata: 'meta.ObjectMeta',
    spec: 'calico.IPAMHandleSpec',
  },
  'calico.IPAMHandleSpec': { handleID: 'string', block: '{}number', deleted: 'boolean' },
};
const CALICO_ROOTS = {
  BlockAffinity: 'calico.BlockAffinity',
  IPAMBlock: 'calico.IPAMBlock',
  IPAMHandle: 'calico.IPAMHandle',
  IPPool: 'calico.IPPool',
};

/** `core/v1` → `core`; other versions keep theirs (`meta.v1beta1`). */
function moduleName(path) {
  const [dir, version] = path.split('/');
  return !version || version === 'v1' ? dir : `${dir}.${version}`;
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** Parses one .d.ts: its imports, interfaces (member → type text) and type aliases. */
function parseModule(path) {
  const file = path === 'runtime' ? 'runtime.d.ts' : `${path}.d.ts`;
  const text = stripComments(readFileSync(join(TYPES_DIR, file), 'utf8'));
  const imports = new Map();
  for (const m of text.matchAll(/import \{([^}]*)\} from "\.\.\/([^"]+)";/g)) {
    for (const name of m[1].split(',').map((s) => s.trim())) if (name) imports.set(name, m[2]);
  }
  const aliases = new Map();
  for (const m of text.matchAll(/export type (\w+) = ([^;]+);/g)) aliases.set(m[1], m[2].trim());
  const interfaces = new Map();
  for (const m of text.matchAll(/export interface (\w+) \{/g)) {
    interfaces.set(m[1], parseMembers(text, m.index + m[0].length));
  }
  return { imports, aliases, interfaces };
}

/** Reads `name?: Type;` members up to the interface's closing brace. */
function parseMembers(text, start) {
  const members = new Map();
  let i = start;
  for (;;) {
    while (/\s/.test(text[i])) i++;
    if (text[i] === '}') return members;
    const colon = text.indexOf(':', i);
    const name = text
      .slice(i, colon)
      .replace(/^readonly\s+/, '')
      .replace(/\?$/, '')
      .trim()
      .replace(/^"|"$/g, '');
    let depth = 0;
    let j = colon + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === '{' || c === '<') depth++;
      if (c === '}' || c === '>') depth--;
      if (c === ';' && depth === 0) break;
    }
    members.set(name, text.slice(colon + 1, j).trim());
    i = j + 1;
  }
}

const modules = new Map();
function moduleOf(path) {
  if (!modules.has(path)) modules.set(path, parseModule(path));
  return modules.get(path);
}

/** Maps a TypeScript type expression to a field type code, queueing referenced interfaces. */
function typeCode(expr, path, queue) {
  const t = expr.trim();
  if (t === 'string' || /^"[^"]*"$/.test(t)) return 'string';
  if (t === 'number') return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'number | string' || t === 'string | number') return 'int-or-string';
  const array = /^Array<(.+)>$/.exec(t);
  if (array) return `[]${typeCode(array[1], path, queue)}`;
  const map = /^\{\s*\[\w+: string\]: (.+?);?\s*\}$/s.exec(t);
  if (map) return `{}${typeCode(map[1], path, queue)}`;
  if (!/^\w+$/.test(t)) throw new Error(`Unsupported type expression in ${path}: ${t}`);
  const mod = moduleOf(path);
  const owner = mod.imports.has(t) ? mod.imports.get(t) : path;
  const ownerMod = moduleOf(owner);
  if (t === 'Quantity') return 'quantity';
  if (ownerMod.aliases.has(t)) return typeCode(ownerMod.aliases.get(t), owner, queue);
  const iface = ownerMod.interfaces.get(t);
  if (!iface) throw new Error(`Unknown type ${t} referenced from ${path}`);
  if (iface.size === 0) return 'any';
  const name = `${moduleName(owner)}.${t}`;
  queue.push([name, owner, t]);
  return name;
}

/** Builds the schema: kinds → root type, types → fields → codes, sorted for stable output. */
export function generateApiSchema() {
  const types = {};
  const queue = [];
  const kinds = { ...CALICO_ROOTS };
  for (const [kind, ref] of Object.entries(ROOTS)) {
    const [path, iface] = ref.split('.');
    kinds[kind] = typeCode(iface, path, queue);
  }
  while (queue.length > 0) {
    const [name, path, iface] = queue.shift();
    if (types[name]) continue;
    types[name] = {};
    for (const [field, expr] of moduleOf(path).interfaces.get(iface))
      types[name][field] = typeCode(expr, path, queue);
  }
  for (const [name, fields] of Object.entries(CALICO_TYPES)) types[name] = fields;
  for (const fields of Object.values(CALICO_TYPES)) {
    for (const code of Object.values(fields)) {
      const ref = code.replace(/^(\[\]|\{\})+/, '');
      if (ref.includes('.') && !types[ref]) throw new Error(`Calico schema references unknown type ${ref}`);
    }
  }
  return {
    kinds: sortKeys(kinds),
    types: sortKeys(Object.fromEntries(Object.entries(types).map(([k, v]) => [k, sortKeys(v)]))),
  };
}

function sortKeys(obj) {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The TypeScript module text for a schema. */
export function renderApiSchemaModule(schema) {
  return `/**
 * GENERATED by scripts/generate-api-schema.mjs from kubernetes-types; do not edit.
 * The known fields of every kind netkube serves (see src/api/unknown-fields.ts).
 */
import type { ApiSchema } from '../unknown-fields.js';

export const API_SCHEMA: ApiSchema = ${JSON.stringify(schema, null, 2)};
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUTPUT, renderApiSchemaModule(generateApiSchema()));
  execFileSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', OUTPUT], {
    stdio: 'inherit',
  });
  process.stdout.write(`wrote ${OUTPUT}\n`);
}
