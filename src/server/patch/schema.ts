/**
 * Patch metadata of the kinds netkube serves: which lists merge by key, which
 * are sets of strings, which maps clear unlisted keys (`retainKeys`). This is the
 * table-driven stand-in for the `patchStrategy`/`patchMergeKey` struct tags of
 * `k8s.io/api` that `strategicpatch` reads by reflection; the values are copied
 * from those tags. Fields the table does not name behave as in a JSON merge
 * patch (maps merge, lists are replaced), which is what upstream does for
 * atomic lists and what we choose for unknown fields (upstream rejects them).
 */
import { assertNever } from '../../util/index.js';

/** How one field merges. Nodes are shared and immutable. */
export type PatchSchema =
  /** An object with known fields; `retainKeys` emits/obeys the `$retainKeys` directive. */
  | {
      readonly type: 'struct';
      readonly fields: Readonly<Record<string, PatchSchema>>;
      readonly retainKeys?: boolean;
    }
  /** `map[string]T`: every key holds a `values` node. */
  | { readonly type: 'map'; readonly values: PatchSchema }
  /** A list merged by `mergeKey` (maps) or as a set (scalars, no key). */
  | { readonly type: 'mergeList'; readonly mergeKey?: string; readonly items: PatchSchema }
  /** Anything else: maps merge field by field, lists and scalars are replaced. */
  | { readonly type: 'any' };

/** The schema of fields the table does not describe. */
export const ANY: PatchSchema = { type: 'any' };

function struct(fields: Record<string, PatchSchema>, retainKeys = false): PatchSchema {
  return retainKeys ? { type: 'struct', fields, retainKeys } : { type: 'struct', fields };
}

function mergeList(mergeKey: string | undefined, items: PatchSchema = ANY): PatchSchema {
  return mergeKey === undefined ? { type: 'mergeList', items } : { type: 'mergeList', mergeKey, items };
}

/** `[]string` with `patchStrategy:"merge"`: a set of strings. */
const STRING_SET = mergeList(undefined);
const CONDITIONS = mergeList('type');

const OBJECT_META = struct({
  finalizers: STRING_SET,
  ownerReferences: mergeList('uid'),
});

const CONTAINER = struct({
  ports: mergeList('containerPort'),
  env: mergeList('name'),
  volumeMounts: mergeList('mountPath'),
  volumeDevices: mergeList('devicePath'),
});

const POD_SPEC = struct({
  volumes: mergeList('name', struct({}, true)),
  initContainers: mergeList('name', CONTAINER),
  containers: mergeList('name', CONTAINER),
  ephemeralContainers: mergeList('name', CONTAINER),
  imagePullSecrets: mergeList('name'),
  hostAliases: mergeList('ip'),
  topologySpreadConstraints: mergeList('topologyKey'),
  resourceClaims: mergeList('name', struct({}, true)),
  schedulingGates: mergeList('name'),
});

const POD_STATUS = struct({
  conditions: CONDITIONS,
  podIPs: mergeList('ip'),
  hostIPs: mergeList('ip'),
  resourceClaimStatuses: mergeList('name', struct({}, true)),
});

const POD_TEMPLATE = struct({ metadata: OBJECT_META, spec: POD_SPEC });

function object(spec: PatchSchema = ANY, status: PatchSchema = ANY): PatchSchema {
  return struct({ metadata: OBJECT_META, spec, status });
}

const WORKLOAD_STATUS = struct({ conditions: CONDITIONS });

const SCHEMAS: Readonly<Record<string, PatchSchema>> = {
  Pod: object(POD_SPEC, POD_STATUS),
  Deployment: object(struct({ template: POD_TEMPLATE, strategy: struct({}, true) }), WORKLOAD_STATUS),
  ReplicaSet: object(struct({ template: POD_TEMPLATE }), WORKLOAD_STATUS),
  Service: object(struct({ ports: mergeList('port') }), struct({ conditions: CONDITIONS })),
  Node: object(
    struct({ podCIDRs: STRING_SET }),
    struct({ conditions: CONDITIONS, addresses: mergeList('type') }),
  ),
  Namespace: object(ANY, struct({ conditions: CONDITIONS })),
  Ingress: object(),
  NetworkPolicy: object(),
};

const GENERIC_OBJECT = object();

/**
 * The patch schema of a kind. Kinds without list merge keys (ConfigMap,
 * EndpointSlice, Calico kinds…) still get `metadata` merge semantics.
 */
export function patchSchemaFor(kind: string): PatchSchema {
  return SCHEMAS[kind] ?? GENERIC_OBJECT;
}

/** The schema of field `key` inside `schema`. */
export function fieldSchema(schema: PatchSchema, key: string): PatchSchema {
  switch (schema.type) {
    case 'struct':
      return schema.fields[key] ?? ANY;
    case 'map':
      return schema.values;
    case 'mergeList':
    case 'any':
      return ANY;
    default:
      return assertNever(schema);
  }
}

/** The schema of list items, for a merge list (`ANY` otherwise). */
export function itemSchema(schema: PatchSchema): PatchSchema {
  return schema.type === 'mergeList' ? schema.items : ANY;
}
