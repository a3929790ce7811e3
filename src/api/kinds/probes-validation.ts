/**
 * Probes and lifecycle handlers (`validateProbe`, `validateHandler`,
 * `validateHTTPGetAction`, `ValidatePortNumOrName`) with upstream's messages.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { validateNonnegative } from '../validation/meta.js';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from '../validation/strings.js';
import { arr, child, isRecord, type JsonObject, num, recs, str } from '../validation/values.js';

/** `ValidatePortNumOrName`: a number 1–65535 or an IANA_SVC_NAME. */
export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldError.invalid(field, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldError.invalid(field, port, m));
  return [fieldError.invalid(field, port ?? '', 'must be an integer or a port name')];
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] as const;

/** `validateHandler`: exactly one handler type, each well formed. */
export function validateHandler(
  handler: JsonObject,
  path: string,
  gracePeriod: number | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const type of HANDLERS) {
    const h = handler[type];
    if (!isRecord(h)) continue;
    const p = child(path, type);
    if (count++ > 0) {
      errs.push(fieldError.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    if (type === 'exec' && arr(h.command).length === 0) errs.push(fieldError.required(child(p, 'command')));
    if (type === 'httpGet') errs.push(...validateHttpGet(h, p));
    if (type === 'tcpSocket' || type === 'grpc')
      errs.push(...validatePortNumOrName(h.port, child(p, 'port')));
    if (type === 'sleep' && gracePeriod !== undefined) {
      const seconds = num(h.seconds) ?? 0;
      if (seconds < 0 || seconds > gracePeriod) {
        errs.push(
          fieldError.invalid(
            p,
            seconds,
            `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`,
          ),
        );
      }
    }
  }
  if (count === 0) errs.push(fieldError.required(path, 'must specify a handler type'));
  return errs;
}

function validateHttpGet(h: JsonObject, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(h.path)) errs.push(fieldError.required(child(p, 'path')));
  errs.push(...validatePortNumOrName(h.port, child(p, 'port')));
  if (h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') {
    errs.push(fieldError.notSupported(child(p, 'scheme'), h.scheme ?? '', ['HTTP', 'HTTPS']));
  }
  for (const header of recs(h.httpHeaders)) {
    const name = str(header.name) ?? '';
    for (const m of isHTTPHeaderName(name)) errs.push(fieldError.invalid(child(p, 'httpHeaders'), name, m));
  }
  return errs;
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/** `validateProbe` plus the liveness/startup `successThreshold` and readiness grace-period rules. */
export function validateProbe(
  probe: unknown,
  kind: ProbeKind,
  path: string,
  gracePeriod: number | undefined,
): FieldError[] {
  if (!isRecord(probe)) return [];
  const errs = validateHandler(probe, path, gracePeriod);
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ]) {
    errs.push(...validateNonnegative(probe[f], child(path, f)));
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace <= 0) {
    errs.push(
      fieldError.invalid(child(path, 'terminationGracePeriodSeconds'), grace, 'must be greater than 0'),
    );
  }
  if (kind !== 'readinessProbe' && probe.successThreshold !== 1) {
    errs.push(fieldError.invalid(child(path, 'successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  }
  if (kind === 'readinessProbe' && grace !== undefined) {
    errs.push(
      fieldError.invalid(
        child(path, 'terminationGracePeriodSeconds'),
        grace,
        'must not be set for readinessProbes',
      ),
    );
  }
  return errs;
}
