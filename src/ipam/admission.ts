/**
 * Admission for IPPool objects: defaults (reference calico.md §1.2) and the
 * checks Calico's validation makes, as 422 Invalid naming the field. Calico
 * validates pools in its API server / calicoctl; netkube does it on the
 * Kubernetes write path so `kubectl apply` and `netkube apply` both get it.
 *
 * netkube additions (say so in messages): a pool may not overlap the cluster's
 * service subnet, and only IPv4 pools are emulated.
 */
import { type FieldError, fieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionPlugin } from '../store/registry.js';
import { parseCalicoSelector } from './calico-selector.js';
import { type Cidr, cidrsOverlap, formatCidr, parseCidr } from './ipv4.js';
import { IPPOOLS_KEY, type IPPool, type IPPoolSpec } from './objects.js';
import { defaultPoolSpec } from './pools.js';

export interface IPPoolAdmissionConfig {
  /** The cluster's service CIDR (topology `networking.serviceSubnet`). */
  readonly serviceSubnet: string;
}

const LINK_LOCAL: Cidr = { network: 0xa9fe0000, prefix: 16 };
const ENCAP_MODES = ['Always', 'CrossSubnet', 'Never'] as const;
const USES = ['Workload', 'Tunnel', 'LoadBalancer'] as const;

function specOf(obj: KubeObject): IPPoolSpec {
  return ((obj as IPPool).spec ?? {}) as IPPoolSpec;
}

function validateCidr(spec: IPPoolSpec, serviceSubnet: Cidr | undefined): FieldError[] {
  if (typeof spec.cidr !== 'string' || spec.cidr === '') return [fieldError.required('spec.cidr')];
  if (spec.cidr.includes(':')) {
    return [fieldError.invalid('spec.cidr', spec.cidr, 'netkube emulates IPv4 pools only')];
  }
  const cidr = parseCidr(spec.cidr);
  if (!cidr) return [fieldError.invalid('spec.cidr', spec.cidr, 'must be a valid IPv4 CIDR')];
  const errs: FieldError[] = [];
  const blockSize = spec.blockSize ?? 26;
  if (cidr.prefix > blockSize) {
    errs.push(
      fieldError.invalid(
        'spec.cidr',
        spec.cidr,
        `IP pool size is too small (min /${blockSize}) for use with Calico IPAM`,
      ),
    );
  }
  if (cidrsOverlap(cidr, LINK_LOCAL)) {
    errs.push(
      fieldError.invalid(
        'spec.cidr',
        spec.cidr,
        'IP pool range overlaps with reserved link local address range',
      ),
    );
  }
  if (serviceSubnet && cidrsOverlap(cidr, serviceSubnet)) {
    errs.push(
      fieldError.invalid(
        'spec.cidr',
        spec.cidr,
        `IP pool overlaps the service subnet ${formatCidr(serviceSubnet)}`,
      ),
    );
  }
  return errs;
}

function validateFields(spec: IPPoolSpec): FieldError[] {
  const errs: FieldError[] = [];
  const bs = spec.blockSize;
  if (bs !== undefined && (!Number.isInteger(bs) || bs < 20 || bs > 32)) {
    errs.push(
      fieldError.invalid('spec.blockSize', bs, 'must be between 20 and 32 (inclusive) for an IPv4 pool'),
    );
  }
  for (const field of ['ipipMode', 'vxlanMode'] as const) {
    const v = spec[field];
    if (v !== undefined && !(ENCAP_MODES as readonly string[]).includes(v)) {
      errs.push(fieldError.notSupported(`spec.${field}`, v, ENCAP_MODES));
    }
  }
  if ((spec.ipipMode ?? 'Never') !== 'Never' && (spec.vxlanMode ?? 'Never') !== 'Never') {
    errs.push(
      fieldError.invalid(
        'spec.vxlanMode',
        spec.vxlanMode,
        'IPIP and VXLAN cannot both be enabled on the same IP pool',
      ),
    );
  }
  (spec.allowedUses ?? []).forEach((use, i) => {
    if (!(USES as readonly string[]).includes(use))
      errs.push(fieldError.notSupported(`spec.allowedUses[${i}]`, use, USES));
  });
  for (const field of ['nodeSelector', 'namespaceSelector'] as const) {
    const sel = spec[field];
    if (sel === undefined) continue;
    const parsed =
      typeof sel === 'string' ? parseCalicoSelector(sel) : { ok: false as const, error: 'must be a string' };
    if (!parsed.ok) errs.push(fieldError.invalid(`spec.${field}`, sel, parsed.error));
  }
  if (spec.assignmentMode !== undefined && !['Automatic', 'Manual'].includes(spec.assignmentMode)) {
    errs.push(fieldError.notSupported('spec.assignmentMode', spec.assignmentMode, ['Automatic', 'Manual']));
  }
  return errs;
}

function validateOverlap(obj: KubeObject, spec: IPPoolSpec, pools: readonly IPPool[]): FieldError[] {
  const cidr = typeof spec.cidr === 'string' ? parseCidr(spec.cidr) : undefined;
  if (!cidr) return [];
  const errs: FieldError[] = [];
  for (const other of pools) {
    if (other.metadata.name === obj.metadata.name) continue;
    const oc = typeof other.spec?.cidr === 'string' ? parseCidr(other.spec.cidr) : undefined;
    if (oc && cidrsOverlap(cidr, oc)) {
      errs.push(
        fieldError.invalid(
          'spec.cidr',
          spec.cidr,
          `IPPool(${obj.metadata.name}) CIDR overlaps with IPPool(${other.metadata.name}) CIDR ${other.spec.cidr}`,
        ),
      );
    }
  }
  return errs;
}

/**
 * The IPPool admission plugin. `admit` fills defaults and writes the CIDR in
 * canonical form (host bits cleared); `validate` reports field errors; updates
 * may not change `spec.blockSize` or `spec.cidr` (Calico: blockSize is
 * immutable; netkube also pins the CIDR, which existing blocks depend on).
 */
export function ipPoolAdmission(config: IPPoolAdmissionConfig): AdmissionPlugin {
  const service = parseCidr(config.serviceSubnet);
  const serviceSubnet = service ? { network: service.network, prefix: service.prefix } : undefined;
  return {
    name: 'CalicoIPPool',
    resources: [IPPOOLS_KEY],
    admit(obj) {
      const spec = specOf(obj);
      const cidr = typeof spec.cidr === 'string' ? parseCidr(spec.cidr) : undefined;
      const canonical = cidr ? { ...spec, cidr: formatCidr(cidr) } : spec;
      return { ...obj, spec: defaultPoolSpec(canonical) } as KubeObject;
    },
    validate(obj, old, ctx) {
      const spec = specOf(obj);
      const errs = [...validateCidr(spec, serviceSubnet), ...validateFields(spec)];
      const pools = ctx.store.list<IPPool>(IPPOOLS_KEY);
      errs.push(...validateOverlap(obj, spec, pools));
      if (old) {
        const before = specOf(old);
        if (before.blockSize !== spec.blockSize)
          errs.push(fieldError.invalid('spec.blockSize', spec.blockSize, 'field is immutable'));
        if (before.cidr !== spec.cidr)
          errs.push(fieldError.invalid('spec.cidr', spec.cidr, 'field is immutable'));
      }
      return errs;
    },
  };
}
