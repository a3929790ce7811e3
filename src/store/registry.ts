/**
 * The Registry is the API server's write path, shared by the REST server, the
 * CLI's atomic apply and every in-process controller: defaulting, validation,
 * preconditions (resourceVersion, uid), the status subresource split,
 * `metadata.generation`, `generateName`, namespace existence, graceful pod
 * deletion, finalizers and admission plugins (ClusterIP and NodePort allocation).
 * It never lets an invalid object into the store and never writes a no-op.
 *
 * Every method is synchronous, so a sequence of calls inside
 * `store.transaction` is atomic.
 */
import { badRequest, conflict, forbidden, invalid, notFound } from '../api/errors.js';
import type { FieldError } from '../api/field-errors.js';
import type { FieldSelector } from '../api/fields.js';
import type { Selector } from '../api/labels.js';
import {
  apiVersionOf,
  type ResourceInfo,
  resourceForKey,
  resourceForKind,
  resourceKeyOf,
} from '../api/resources.js';
import { strategyFor } from '../api/strategy.js';
import type { KubeObject, ObjectMeta } from '../api/types.js';
import type { Clock } from '../util/clock.js';
import { rfc3339 } from '../util/clock.js';
import type { Mutable } from '../util/mutable.js';
import { newUid, randomSuffix } from '../util/names.js';
import type { Random } from '../util/random.js';
import { deepEqual } from './equality.js';
import type { ObjectStore } from './object-store.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionContext {
  readonly info: ResourceInfo;
  readonly operation: Operation;
  readonly dryRun: boolean;
  readonly subresource: string | undefined;
  readonly store: ObjectStore;
}

/**
 * A mutating and validating admission step (kube-apiserver admission plugins and
 * registry hooks such as the Service IP and NodePort allocators). `admit` runs
 * after defaulting; it returns the object to store, or throws a StatusError.
 * `validate` returns field errors that are reported with the kind's own.
 */
export interface AdmissionPlugin {
  readonly name: string;
  /** Store keys this plugin applies to; all when omitted. */
  readonly resources?: readonly string[];
  admit?(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): KubeObject;
  validate?(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): FieldError[];
  /**
   * Validating admission (a validating webhook): runs once the object has
   * passed validation, as kube-apiserver calls webhooks after the registry's
   * own checks; throws a StatusError to deny.
   */
  check?(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): void;
}

export interface WriteOptions {
  /** Validate and admit but do not store (`?dryRun=All`). */
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
}

export interface UpdateOptions extends WriteOptions {
  /** `status` for the status subresource; main resource otherwise. */
  readonly subresource?: 'status' | undefined;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number | undefined;
  readonly propagationPolicy?: PropagationPolicy | undefined;
  readonly preconditions?:
    | { readonly uid?: string | undefined; readonly resourceVersion?: string | undefined }
    | undefined;
  readonly dryRun?: boolean;
}

export interface RegistryListOptions {
  readonly namespace?: string | undefined;
  readonly labelSelector?: Selector | undefined;
  readonly fieldSelector?: FieldSelector | undefined;
}

export interface RegistryConfig {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly admission?: readonly AdmissionPlugin[];
}

/**
 * Namespaces the NamespaceLifecycle admission plugin never lets anyone delete
 * (kube-apiserver's `--immortal-namespaces` default): deleting one is 403
 * `this namespace may not be deleted`.
 */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** Index of every resource: owner uid → dependents (used by GC and ReplicaSet adoption). */
export const OWNER_INDEX = 'owner';

function ownerIndex(obj: KubeObject): string[] {
  return (obj.metadata.ownerReferences ?? []).map((r) => r.uid);
}

/** Fields of metadata that only the server sets; copied from the old object on update. */
const SERVER_METADATA = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
] as const;

export class Registry {
  readonly store: ObjectStore;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #admission: readonly AdmissionPlugin[];
  #indexed = new Set<string>();

  constructor(config: RegistryConfig) {
    this.store = config.store;
    this.#clock = config.clock;
    this.#random = config.random;
    this.#admission = config.admission ?? [];
  }

  /** Ensures the owner index exists on a resource; called lazily before any write or lookup. */
  #ensureIndexes(resource: string): void {
    if (this.#indexed.has(resource)) return;
    this.#indexed.add(resource);
    this.store.addIndex(resource, OWNER_INDEX, ownerIndex);
  }

  /** Resolves the resource of an object from its kind and apiVersion, or throws 400. */
  resourceOf(obj: Pick<KubeObject, 'kind' | 'apiVersion'>): ResourceInfo {
    const info = resourceForKind(obj.kind, obj.apiVersion);
    if (!info) {
      throw badRequest(
        `no kind "${obj.kind}" is registered for version "${obj.apiVersion}" in scheme "netkube"`,
      );
    }
    return info;
  }

  get<T extends KubeObject = KubeObject>(info: ResourceInfo, namespace: string | undefined, name: string): T {
    const obj = this.store.get<T>(resourceKeyOf(info), info.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(info, name);
    return obj;
  }

  tryGet<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.store.get<T>(resourceKeyOf(info), info.namespaced ? namespace : undefined, name);
  }

  list<T extends KubeObject = KubeObject>(info: ResourceInfo, options: RegistryListOptions = {}): T[] {
    return this.store.list<T>(resourceKeyOf(info), {
      namespace: info.namespaced ? options.namespace : undefined,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    });
  }

  /** Objects (of `info`) owned by the object with `uid`. */
  dependents<T extends KubeObject = KubeObject>(info: ResourceInfo, uid: string): T[] {
    const resource = resourceKeyOf(info);
    this.#ensureIndexes(resource);
    return this.store.byIndex<T>(resource, OWNER_INDEX, uid);
  }

  /** Creates an object. Returns the stored object (or, on dry run, what would be stored). */
  create<T extends KubeObject>(input: T, options: WriteOptions = {}): T {
    const info = this.resourceOf(input);
    const resource = resourceKeyOf(info);
    this.#ensureIndexes(resource);
    const strategy = strategyFor(info.kind);
    let obj: KubeObject = this.#normaliseScope(info, input);
    if (info.namespaced) this.#checkNamespaceWritable(info, obj);
    obj = this.#assignName(info, obj);
    if (strategy.defaultObject) obj = strategy.defaultObject(obj);
    if (strategy.prepareForCreate) obj = strategy.prepareForCreate(obj);
    const now = rfc3339(this.#clock.now());
    // Rest destructuring, not `delete`: deleting a property turns the stored
    // object into a slow dictionary-mode object for the rest of its life.
    const {
      resourceVersion: _rv,
      deletionTimestamp: _dt,
      deletionGracePeriodSeconds: _dg,
      managedFields: _mf,
      generation: _g,
      ...kept
    } = obj.metadata;
    const metadata: Mutable<ObjectMeta> = info.tracksGeneration
      ? { ...kept, uid: newUid(), creationTimestamp: now, generation: 1 }
      : { ...kept, uid: newUid(), creationTimestamp: now };
    obj = { ...obj, apiVersion: apiVersionOf(info), kind: info.kind, metadata };
    const ctx = this.#ctx(info, 'CREATE', options.dryRun ?? false, undefined);
    obj = this.#admit(obj, undefined, ctx);
    const errs = [...(strategy.validateCreate?.(obj) ?? []), ...this.#validate(obj, undefined, ctx)];
    if (errs.length) throw invalid(info, obj.metadata.name ?? '', errs);
    this.#check(obj, undefined, ctx);
    if (options.dryRun) return obj as T;
    return this.store.create(resource, obj as T);
  }

  /**
   * Replaces an object (main resource or `status` subresource). A
   * `metadata.resourceVersion` on the input is a precondition (409 Conflict when
   * stale). Returns the stored object; a write that changes nothing returns the
   * current object without bumping its resourceVersion.
   */
  update<T extends KubeObject>(input: T, options: UpdateOptions = {}): T {
    const info = this.resourceOf(input);
    const resource = resourceKeyOf(info);
    this.#ensureIndexes(resource);
    const strategy = strategyFor(info.kind);
    const normalised = this.#normaliseScope(info, input);
    const name = normalised.metadata.name ?? '';
    const old = this.get(info, normalised.metadata.namespace, name);
    const rv = normalised.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(info, name);
    if (normalised.metadata.uid && normalised.metadata.uid !== old.metadata.uid) {
      throw conflict(
        info,
        name,
        `Precondition failed: UID in precondition: ${normalised.metadata.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    let obj: KubeObject;
    if (options.subresource === 'status') {
      obj = { ...old, status: (normalised as KubeObject & { status?: unknown }).status } as KubeObject;
    } else {
      obj = info.hasStatus
        ? ({ ...normalised, status: (old as KubeObject & { status?: unknown }).status } as KubeObject)
        : normalised;
      const metadata = withServerMetadata(obj.metadata, old.metadata);
      obj = { ...obj, apiVersion: old.apiVersion, kind: old.kind, metadata };
      if (strategy.defaultObject) obj = strategy.defaultObject(obj);
      if (strategy.prepareForUpdate) obj = strategy.prepareForUpdate(obj, old);
      if (info.tracksGeneration && !deepEqual(specOf(obj), specOf(old))) {
        obj = { ...obj, metadata: { ...obj.metadata, generation: (old.metadata.generation ?? 1) + 1 } };
      }
    }
    if (!obj.metadata.resourceVersion)
      obj = {
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: old.metadata.resourceVersion as string },
      };
    const ctx = this.#ctx(info, 'UPDATE', options.dryRun ?? false, options.subresource);
    obj = this.#admit(obj, old, ctx);
    if (options.subresource !== 'status') {
      const errs = [...(strategy.validateUpdate?.(obj, old) ?? []), ...this.#validate(obj, old, ctx)];
      if (errs.length) throw invalid(info, name, errs);
    }
    this.#check(obj, old, ctx);
    if (deepEqual(obj, old)) return old as T;
    if (options.dryRun) return obj as T;
    // A write that leaves a deleted object without finalizers removes it; a
    // namespace goes only when the namespace controller finalizes it.
    if (
      obj.metadata.deletionTimestamp &&
      (obj.metadata.finalizers ?? []).length === 0 &&
      info.kind !== 'Namespace' &&
      !isGracefulPod(info, obj)
    ) {
      return this.store.delete<T>(resource, obj.metadata.namespace, name);
    }
    return this.store.update(resource, obj as T);
  }

  /**
   * Deletes an object as the API server does: pods that are running on a node
   * get a deletionTimestamp and grace period (the kubelet removes them); objects
   * with finalizers wait for them; namespaces turn Terminating. Returns the
   * object after the call: the marked object, or its final state when removed.
   */
  delete<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): T {
    // NamespaceLifecycle admission runs before the registry looks anything up.
    if (info.kind === 'Namespace' && IMMORTAL_NAMESPACES.has(name)) {
      throw forbidden(info, name, 'this namespace may not be deleted');
    }
    const resource = resourceKeyOf(info);
    this.#ensureIndexes(resource);
    const old = this.get<T>(info, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        info,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        info,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    if (options.dryRun) return old;
    if (options.propagationPolicy === 'Orphan') this.#orphanDependents(old);
    const grace = this.#gracePeriod(info, old, options.gracePeriodSeconds);
    const now = this.#clock.now();
    if (info.kind === 'Namespace') {
      if (old.metadata.deletionTimestamp) return old;
      const ns = old as KubeObject & { status?: Record<string, unknown> };
      return this.store.update(resource, {
        ...ns,
        metadata: { ...ns.metadata, deletionTimestamp: rfc3339(now) },
        status: { ...ns.status, phase: 'Terminating' },
      } as unknown as T);
    }
    if (grace > 0) {
      const deadline = rfc3339(now + grace * 1000);
      const existing = old.metadata.deletionTimestamp;
      if (existing && existing <= deadline) return old;
      return this.store.update(resource, {
        ...old,
        metadata: { ...old.metadata, deletionTimestamp: deadline, deletionGracePeriodSeconds: grace },
      });
    }
    if ((old.metadata.finalizers ?? []).length > 0) {
      if (old.metadata.deletionTimestamp && old.metadata.deletionGracePeriodSeconds === 0) return old;
      return this.store.update(resource, {
        ...old,
        metadata: {
          ...old.metadata,
          deletionTimestamp: old.metadata.deletionTimestamp ?? rfc3339(now),
          deletionGracePeriodSeconds: 0,
        },
      });
    }
    return this.store.delete<T>(resource, old.metadata.namespace, name);
  }

  /** Removes a namespace whose contents are gone (the namespace controller's last step). */
  finalizeNamespace(name: string): void {
    const info = resourceForKey('namespaces') as ResourceInfo;
    const ns = this.tryGet(info, undefined, name);
    if (ns?.metadata.deletionTimestamp) this.store.delete('namespaces', undefined, name);
  }

  #ctx(
    info: ResourceInfo,
    operation: Operation,
    dryRun: boolean,
    subresource: string | undefined,
  ): AdmissionContext {
    return { info, operation, dryRun, subresource, store: this.store };
  }

  #plugins(info: ResourceInfo): AdmissionPlugin[] {
    const key = resourceKeyOf(info);
    return this.#admission.filter((p) => !p.resources || p.resources.includes(key));
  }

  #admit(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): KubeObject {
    for (const p of this.#plugins(ctx.info)) if (p.admit) obj = p.admit(obj, old, ctx);
    return obj;
  }

  #validate(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): FieldError[] {
    const errs: FieldError[] = [];
    for (const p of this.#plugins(ctx.info)) if (p.validate) errs.push(...p.validate(obj, old, ctx));
    return errs;
  }

  #check(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): void {
    for (const p of this.#plugins(ctx.info)) p.check?.(obj, old, ctx);
  }

  #normaliseScope(info: ResourceInfo, obj: KubeObject): KubeObject {
    const metadata = obj.metadata ?? {};
    if (info.namespaced) {
      return metadata.namespace ? obj : { ...obj, metadata: { ...metadata, namespace: 'default' } };
    }
    if (!('namespace' in metadata)) return obj.metadata ? obj : { ...obj, metadata };
    const { namespace: _ns, ...rest } = metadata;
    return { ...obj, metadata: rest };
  }

  /**
   * NamespaceLifecycle admission on create: the namespace must exist (404) and
   * not be terminating (403 naming the object, as `admission.NewForbidden`
   * does: its name, else its generateName, before a name is generated).
   */
  #checkNamespaceWritable(info: ResourceInfo, obj: KubeObject): void {
    const namespace = obj.metadata.namespace ?? '';
    const nsInfo = resourceForKey('namespaces') as ResourceInfo;
    const ns = this.store.get('namespaces', undefined, namespace);
    if (!ns) throw notFound(nsInfo, namespace);
    if (ns.metadata.deletionTimestamp) {
      const name = obj.metadata.name || obj.metadata.generateName || 'Unknown';
      throw forbidden(
        info,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  #assignName(info: ResourceInfo, obj: KubeObject): KubeObject {
    if (obj.metadata.name) return obj;
    const prefix = obj.metadata.generateName;
    if (!prefix) {
      throw invalid(info, '', [
        { type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' },
      ]);
    }
    const resource = resourceKeyOf(info);
    for (let attempt = 0; attempt < 16; attempt++) {
      const name = `${prefix.slice(0, 58)}${randomSuffix(this.#random)}`;
      if (!this.store.get(resource, obj.metadata.namespace, name))
        return { ...obj, metadata: { ...obj.metadata, name } };
    }
    throw forbidden(info, prefix, 'could not generate a unique name');
  }

  #gracePeriod(info: ResourceInfo, obj: KubeObject, requested: number | undefined): number {
    if (info.kind !== 'Pod') return 0;
    const pod = obj as KubeObject & {
      spec?: { nodeName?: string; terminationGracePeriodSeconds?: number };
      status?: { phase?: string };
    };
    // Unscheduled or finished pods go at once (pod strategy `CheckGracefulDelete`).
    if (!pod.spec?.nodeName) return 0;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    return Math.max(0, requested ?? pod.spec.terminationGracePeriodSeconds ?? 30);
  }

  #orphanDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const key of this.store.resources()) {
      this.#ensureIndexes(key);
      for (const dep of this.store.byIndex(key, OWNER_INDEX, uid)) {
        const refs = (dep.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        const metadata: ObjectMeta = { ...dep.metadata, ownerReferences: refs };
        if (refs.length === 0) delete metadata.ownerReferences;
        this.store.update(key, { ...dep, metadata });
      }
    }
  }
}

/**
 * `metadata` with the fields only the server sets taken from `old`, and old's
 * resourceVersion; built by destructuring (no `delete`, see `create`).
 */
function withServerMetadata(metadata: ObjectMeta, old: ObjectMeta): ObjectMeta {
  const {
    uid: _u,
    creationTimestamp: _c,
    deletionTimestamp: _dt,
    deletionGracePeriodSeconds: _dg,
    generation: _g,
    resourceVersion: _rv,
    ...rest
  } = metadata;
  const out: Mutable<ObjectMeta> = rest;
  for (const f of SERVER_METADATA) {
    const v = old[f];
    if (v !== undefined) (out as Record<string, unknown>)[f] = v;
  }
  out.resourceVersion = old.resourceVersion as string;
  return out;
}

function isGracefulPod(info: ResourceInfo, obj: KubeObject): boolean {
  return info.kind === 'Pod' && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
}

/** Everything but metadata and status: what `generation` tracks. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const {
    metadata: _m,
    status: _s,
    apiVersion: _a,
    kind: _k,
    ...rest
  } = obj as KubeObject & { status?: unknown };
  return rest;
}
