/**
 * Pod and container security contexts: the user and group id ranges and the
 * privileged/escalation contradiction (`validatePodSpecSecurityContext`,
 * `ValidateSecurityContext`). Seccomp, AppArmor and Windows options are
 * accepted as given: netkube runs no processes, so they change nothing.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { inclusiveRangeError } from '../validation/strings.js';
import { arr, child, index, isRecord } from '../validation/values.js';

const MAX_ID = 0xffffffff;

function validateId(value: unknown, field: string): FieldError[] {
  if (typeof value !== 'number') return [];
  return value >= 0 && value <= MAX_ID
    ? []
    : [fieldError.invalid(field, value, inclusiveRangeError(0, MAX_ID))];
}

/** The pod-level `securityContext` at `path`. */
export function validatePodSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isRecord(sc)) return [];
  const errs = [
    ...validateId(sc.fsGroup, child(path, 'fsGroup')),
    ...validateId(sc.runAsUser, child(path, 'runAsUser')),
    ...validateId(sc.runAsGroup, child(path, 'runAsGroup')),
  ];
  arr(sc.supplementalGroups).forEach((gid, i) => {
    errs.push(...validateId(gid, index(child(path, 'supplementalGroups'), i)));
  });
  if (
    sc.fsGroupChangePolicy !== undefined &&
    sc.fsGroupChangePolicy !== 'OnRootMismatch' &&
    sc.fsGroupChangePolicy !== 'Always'
  ) {
    errs.push(
      fieldError.notSupported(child(path, 'fsGroupChangePolicy'), sc.fsGroupChangePolicy, [
        'Always',
        'OnRootMismatch',
      ]),
    );
  }
  return errs;
}

/** A container's `securityContext` at `path`. */
export function validateContainerSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isRecord(sc)) return [];
  const errs = [
    ...validateId(sc.runAsUser, child(path, 'runAsUser')),
    ...validateId(sc.runAsGroup, child(path, 'runAsGroup')),
  ];
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(
        fieldError.invalid(
          path,
          sc,
          'cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
        ),
      );
    }
    const add = isRecord(sc.capabilities) ? arr(sc.capabilities.add) : [];
    if (add.includes('CAP_SYS_ADMIN')) {
      errs.push(
        fieldError.invalid(
          path,
          sc,
          'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
        ),
      );
    }
  }
  return errs;
}
