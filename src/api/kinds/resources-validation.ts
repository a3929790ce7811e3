/**
 * Container resource requirements (`requests`/`limits`), validated as
 * `validateResourceRequirements` in `pkg/apis/core/validation` does: resource
 * names, quantity syntax and sign, integer-only resources, and requests no
 * larger than limits.
 */
import { type FieldError, fieldError, goLiteral } from '../field-errors.js';
import {
  compareQuantities,
  formatQuantity,
  parseQuantity,
  QUANTITY_FORMAT_MESSAGE,
  type Quantity,
} from '../quantity.js';
import { isQualifiedName } from '../validation/strings.js';
import { child, isRecord, key, rec } from '../validation/values.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'services.nodeports',
  'services.loadbalancers',
]);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Native: unprefixed, or in the `kubernetes.io/` domain (`helper.IsNativeResource`). */
function isNative(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Extended resources (`vendor.com/gpu`) are integer-only and never overcommitted. */
function isExtended(name: string): boolean {
  return !isNative(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
}

function overcommitAllowed(name: string): boolean {
  return isNative(name) && !isHugePages(name);
}

/** `validateContainerResourceName`: standard names, or a qualified extended resource name. */
function validateContainerResourceName(name: string, field: string): FieldError[] {
  if (STANDARD_CONTAINER_RESOURCES.has(name)) return []; // the usual cpu and memory, at once
  const errs = isQualifiedName(name).map((m) => fieldError.invalid(field, name, m));
  if (errs.length) return errs;
  if (!name.includes('/')) {
    if (!STANDARD_RESOURCES.has(name) && !isHugePages(name) && !name.startsWith('requests.hugepages-')) {
      errs.push(fieldError.invalid(field, name, 'must be a standard resource type or fully qualified'));
    }
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(fieldError.invalid(field, name, 'must be a standard resource for containers'));
    }
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(fieldError.invalid(field, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses one quantity value, reporting a malformed one. */
function readQuantity(value: unknown, field: string, errs: FieldError[]): Quantity | undefined {
  const q = typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : undefined;
  if (!q) errs.push(fieldError.invalid(field, value ?? '', QUANTITY_FORMAT_MESSAGE));
  return q;
}

/** `ValidateResourceQuantityValue`: not negative; whole numbers for integer resources. */
function validateQuantityValue(name: string, q: Quantity, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.n < 0n) errs.push(fieldError.invalid(field, formatQuantity(q), 'must be greater than or equal to 0'));
  const integerOnly = isExtended(name) || name === 'pods';
  if (integerOnly && q.scale > 0)
    errs.push(fieldError.invalid(field, goLiteral(formatQuantity(q)), 'must be an integer'));
  return errs;
}

function readList(list: unknown, path: string, errs: FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(rec(list))) {
    const field = key(path, name);
    errs.push(...validateContainerResourceName(name, field));
    const q = readQuantity(value, field, errs);
    if (!q) continue;
    errs.push(...validateQuantityValue(name, q, field));
    out.set(name, q);
  }
  return out;
}

/** Validates a container's `resources` at `path` (e.g. `spec.containers[0].resources`). */
export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  if (!isRecord(resources)) return [];
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = readList(resources.limits, limPath, errs);
  const requests = readList(resources.requests, reqPath, errs);
  let hugePages = false;
  let cpuOrMemory = false;
  for (const name of [...limits.keys(), ...requests.keys()]) {
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, q] of requests) {
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !overcommitAllowed(name)) {
        errs.push(
          fieldError.invalid(
            reqPath,
            formatQuantity(q),
            `must be equal to ${name} limit of ${formatQuantity(limit)}`,
          ),
        );
      } else if (cmp > 0) {
        errs.push(
          fieldError.invalid(
            reqPath,
            formatQuantity(q),
            `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`,
          ),
        );
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(fieldError.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  if (hugePages && !cpuOrMemory) errs.push(fieldError.forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}
