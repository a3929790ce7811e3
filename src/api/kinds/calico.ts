/**
 * The Calico IPAM kinds (crd.projectcalico.org/v1): IPPool defaults and
 * validation as libcalico-go's `ipPools.validateAndSetDefaults` does them
 * (messages are Calico's, reported as Kubernetes field errors), and the shape
 * of BlockAffinity, IPAMBlock and IPAMHandle. Overlap between pools, and with
 * the Service subnet, needs the store and is checked by the IPAM part.
 */
import { parseCalicoSelector } from '../calico-selector.js';
import { type FieldError, fieldError } from '../field-errors.js';
import { cidrsOverlap, isCidr, parseIPv4Cidr } from '../validation/ip.js';
import { nameIsDNSSubdomain, validateObjectMeta } from '../validation/meta.js';
import { arr, index, isRecord, type JsonObject, rec, str } from '../validation/values.js';
import { defineKind } from './define.js';

const ENCAPSULATION_MODES = ['Always', 'CrossSubnet', 'Never'];
const ALLOWED_USES = ['LoadBalancer', 'Tunnel', 'Workload'];

function isV6(cidr: string): boolean {
  return cidr.includes(':');
}

function defaultIPPool(pool: JsonObject): void {
  if (!isRecord(pool.spec)) pool.spec = {};
  const spec = pool.spec as JsonObject;
  const cidr = str(spec.cidr) ?? '';
  if (spec.blockSize === undefined && isCidr(cidr)) spec.blockSize = isV6(cidr) ? 122 : 26;
  if (!spec.ipipMode) spec.ipipMode = 'Never';
  if (!spec.vxlanMode) spec.vxlanMode = 'Never';
  if (!spec.nodeSelector) spec.nodeSelector = 'all()';
  if (spec.allowedUses === undefined) spec.allowedUses = ['Workload', 'Tunnel'];
  if (!spec.assignmentMode) spec.assignmentMode = 'Automatic';
}

function validateCidrFields(spec: JsonObject): FieldError[] {
  const cidr = str(spec.cidr) ?? '';
  if (!cidr) return [fieldError.required('spec.cidr', 'IPPool CIDR must be specified')];
  if (!isCidr(cidr)) return [fieldError.invalid('spec.cidr', cidr, 'IPPool CIDR must be a valid subnet')];
  const errs: FieldError[] = [];
  const blockSize = typeof spec.blockSize === 'number' ? spec.blockSize : 0;
  const [lo, hi] = isV6(cidr) ? [116, 128] : [20, 32];
  if (blockSize < lo || blockSize > hi) {
    errs.push(
      fieldError.invalid(
        'spec.blockSize',
        blockSize,
        `IPv${isV6(cidr) ? 6 : 4} block size must be between ${lo} and ${hi}`,
      ),
    );
  }
  const v4 = parseIPv4Cidr(cidr);
  const prefix = Number(cidr.slice(cidr.indexOf('/') + 1));
  if (spec.disabled !== true && prefix > blockSize) {
    errs.push(
      fieldError.invalid(
        'spec.cidr',
        cidr,
        'IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.',
      ),
    );
  }
  if (v4?.hostBitsSet) errs.push(fieldError.invalid('spec.cidr', cidr, 'IPPool CIDR is not strictly masked'));
  const linkLocal = parseIPv4Cidr('169.254.0.0/16');
  if (v4 && linkLocal && cidrsOverlap(v4, linkLocal)) {
    errs.push(
      fieldError.invalid('spec.cidr', cidr, 'IPPool CIDR overlaps with IPv4 Link Local range 169.254.0.0/16'),
    );
  }
  if (isV6(cidr) && spec.ipipMode !== 'Never') {
    errs.push(fieldError.invalid('spec.ipipMode', spec.ipipMode, 'IPIP is not supported on an IPv6 IP pool'));
  }
  return errs;
}

function validateIPPool(pool: JsonObject): FieldError[] {
  const spec = rec(pool.spec);
  const errs = validateObjectMeta(pool.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  errs.push(...validateCidrFields(spec));
  for (const f of ['ipipMode', 'vxlanMode'] as const) {
    if (!ENCAPSULATION_MODES.includes(String(spec[f])))
      errs.push(fieldError.notSupported(`spec.${f}`, spec[f] ?? '', ENCAPSULATION_MODES));
  }
  if (
    spec.ipipMode !== 'Never' &&
    spec.vxlanMode !== 'Never' &&
    ENCAPSULATION_MODES.includes(String(spec.vxlanMode))
  ) {
    errs.push(
      fieldError.invalid(
        'spec.vxlanMode',
        spec.vxlanMode,
        'Cannot enable both VXLAN and IPIP on the same IPPool',
      ),
    );
  }
  for (const f of ['nodeSelector', 'namespaceSelector'] as const) {
    const text = str(spec[f]);
    if (text === undefined) continue;
    const parsed = parseCalicoSelector(text);
    if ('error' in parsed)
      errs.push(fieldError.invalid(`spec.${f}`, text, `invalid selector: ${parsed.error}`));
  }
  arr(spec.allowedUses).forEach((use, i) => {
    if (!ALLOWED_USES.includes(String(use)))
      errs.push(fieldError.notSupported(index('spec.allowedUses', i), use, ALLOWED_USES));
  });
  if (
    spec.assignmentMode !== undefined &&
    spec.assignmentMode !== 'Automatic' &&
    spec.assignmentMode !== 'Manual'
  ) {
    errs.push(fieldError.notSupported('spec.assignmentMode', spec.assignmentMode, ['Automatic', 'Manual']));
  }
  return errs;
}

function validateIPPoolUpdate(pool: JsonObject, old: JsonObject): FieldError[] {
  const spec = rec(pool.spec);
  const prev = rec(old.spec);
  const errs: FieldError[] = [];
  if (spec.cidr !== prev.cidr)
    errs.push(fieldError.invalid('spec.cidr', spec.cidr ?? '', 'IPPool CIDR cannot be modified'));
  if (spec.blockSize !== prev.blockSize) {
    errs.push(
      fieldError.invalid('spec.blockSize', spec.blockSize ?? 0, 'IPPool BlockSize cannot be modified'),
    );
  }
  return errs;
}

defineKind({
  kind: 'IPPool',
  defaults: defaultIPPool,
  validate: validateIPPool,
  validateUpdate: validateIPPoolUpdate,
});

function clusterMeta(obj: JsonObject): FieldError[] {
  return validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
}

function cidrField(spec: JsonObject): FieldError[] {
  const cidr = str(spec.cidr) ?? '';
  if (!cidr) return [fieldError.required('spec.cidr')];
  return isCidr(cidr)
    ? []
    : [
        fieldError.invalid(
          'spec.cidr',
          cidr,
          'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
        ),
      ];
}

const AFFINITY_STATES = ['', 'confirmed', 'pending', 'pendingDeletion'];

defineKind({
  kind: 'BlockAffinity',
  validate: (ba) => {
    const spec = rec(ba.spec);
    const errs = [...clusterMeta(ba), ...cidrField(spec)];
    if (!str(spec.node)) errs.push(fieldError.required('spec.node'));
    if (spec.state !== undefined && !AFFINITY_STATES.includes(String(spec.state))) {
      errs.push(fieldError.notSupported('spec.state', spec.state, AFFINITY_STATES));
    }
    return errs;
  },
});

defineKind({
  kind: 'IPAMBlock',
  validate: (block) => [...clusterMeta(block), ...cidrField(rec(block.spec))],
});

defineKind({
  kind: 'IPAMHandle',
  validate: (handle) => {
    const errs = clusterMeta(handle);
    if (!str(rec(handle.spec).handleID)) errs.push(fieldError.required('spec.handleID'));
    return errs;
  },
});
