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
import { type Cidr, cidrsOverlap, formatCidr, parseCidr } from './ipv4.js';
import { IPPOOLS_KEY, type IPPool, type IPPoolSpec } from './objects.js';
import { defaultPoolSpec } from './pools.js';

export interface IPPoolAdmissionConfig {
  /** The cluster's service CIDR (topology `networking.serviceSubnet`). */
  readonly serviceSubnet: string;
}

function specOf(obj: KubeObject): IPPoolSpec {
  return ((obj as IPPool).spec ?? {}) as IPPoolSpec;
}

/**
 * What only netkube checks: the field checks Calico makes (`validateAndSetDefaults`:
 * CIDR, block size, link-local range, modes, selectors, uses) run once, with Calico's
 * messages, in the IPPool kind's validation (src/api/kinds/calico.ts).
 */
function validateEmulated(spec: IPPoolSpec, serviceSubnet: Cidr | undefined): FieldError[] {
  if (typeof spec.cidr !== 'string' || spec.cidr === '') return [];
  if (spec.cidr.includes(':')) {
    return [fieldError.invalid('spec.cidr', spec.cidr, 'netkube emulates IPv4 pools only')];
  }
  const cidr = parseCidr(spec.cidr);
  if (!cidr || !serviceSubnet || !cidrsOverlap(cidr, serviceSubnet)) return [];
  return [
    fieldError.invalid(
      'spec.cidr',
      spec.cidr,
      `IP pool overlaps the service subnet ${formatCidr(serviceSubnet)} (netkube: pod and Service addresses must not mix)`,
    ),
  ];
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
    validate(obj, _old, ctx) {
      const spec = specOf(obj);
      const errs = validateEmulated(spec, serviceSubnet);
      errs.push(...validateOverlap(obj, spec, ctx.store.list<IPPool>(IPPOOLS_KEY)));
      return errs;
    },
  };
}
