/**
 * Container validation (`validateContainers`, `validateContainerCommon`,
 * ports, env, probes, lifecycle handlers) with `pkg/apis/core/validation`'s
 * message texts. Works on defaulted objects: the strategies default before
 * they validate, as the API server does.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { isDNS1123Label, isValidPortName, isValidPortNum } from '../validation/strings.js';
import { child, index, isRecord, type JsonObject, rec, recs, str } from '../validation/values.js';
import { validateHandler, validateProbe } from './probes-validation.js';
import { validateResourceRequirements } from './resources-validation.js';
import { validateContainerSecurityContext } from './security-validation.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** `validateContainerPorts`. */
function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(ports).forEach((port, i) => {
    const p = index(path, i);
    const name = str(port.name) ?? '';
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => fieldError.invalid(child(p, 'name'), name, m)));
      else if (names.has(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    if (!port.containerPort) errs.push(fieldError.required(child(p, 'containerPort')));
    else {
      for (const m of isValidPortNum(Number(port.containerPort))) {
        errs.push(fieldError.invalid(child(p, 'containerPort'), port.containerPort, m));
      }
    }
    if (port.hostPort) {
      for (const m of isValidPortNum(Number(port.hostPort))) {
        errs.push(fieldError.invalid(child(p, 'hostPort'), port.hostPort, m));
      }
    }
    errs.push(...validateProtocol(port.protocol, child(p, 'protocol')));
  });
  return errs;
}

/** A port protocol: required, one of SCTP, TCP, UDP. */
export function validateProtocol(protocol: unknown, field: string): FieldError[] {
  if (!protocol) return [fieldError.required(field)];
  return PROTOCOLS.includes(String(protocol)) ? [] : [fieldError.notSupported(field, protocol, PROTOCOLS)];
}

/** `ValidateEnv` (relaxed names, the default since Kubernetes 1.32) and `validateEnvVarValueFrom`. */
function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(env).forEach((ev, i) => {
    const p = index(path, i);
    const name = str(ev.name) ?? '';
    if (!name) errs.push(fieldError.required(child(p, 'name')));
    else if (!/^[\x20-\x7e]+$/.test(name) || name.includes('=')) {
      errs.push(
        fieldError.invalid(
          child(p, 'name'),
          name,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        ),
      );
    }
    if (!isRecord(ev.valueFrom)) return;
    const from = ev.valueFrom;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((s) =>
      isRecord(from[s]),
    );
    const fromPath = child(p, 'valueFrom');
    if (sources.length === 0) {
      errs.push(
        fieldError.invalid(
          fromPath,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    } else if (str(ev.value)) {
      errs.push(fieldError.invalid(fromPath, '', 'may not be specified when `value` is not empty'));
    } else if (sources.length > 1) {
      errs.push(fieldError.invalid(fromPath, '', 'may not have more than one field specified at a time'));
    }
    for (const s of ['configMapKeyRef', 'secretKeyRef']) {
      if (isRecord(from[s]) && !str(from[s].key)) errs.push(fieldError.required(child(fromPath, s, 'key')));
    }
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  recs(mounts).forEach((mount, i) => {
    const p = index(path, i);
    const name = str(mount.name) ?? '';
    if (!name) errs.push(fieldError.required(child(p, 'name')));
    if (!volumes.has(name)) errs.push(fieldError.notFound(child(p, 'name'), name));
    const mountPath = str(mount.mountPath) ?? '';
    if (!mountPath) errs.push(fieldError.required(child(p, 'mountPath')));
    if (paths.has(mountPath))
      errs.push(fieldError.invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
  });
  return errs;
}

/** Context a container is validated in. */
export interface ContainerContext {
  /** Names of the pod's valid volumes. */
  readonly volumes: ReadonlySet<string>;
  readonly gracePeriod: number | undefined;
}

/** `validateContainerCommon`: what every container kind must satisfy. */
function validateContainerCommon(c: JsonObject, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name) ?? '';
  if (!name) errs.push(fieldError.required(child(path, 'name')));
  else errs.push(...dnsLabelErrors(name, child(path, 'name')));
  if (!str(c.image)) errs.push(fieldError.required(child(path, 'image')));
  const policy = c.terminationMessagePolicy;
  if (!policy) errs.push(fieldError.required(child(path, 'terminationMessagePolicy')));
  else if (policy !== 'File' && policy !== 'FallbackToLogsOnError') {
    errs.push(
      fieldError.notSupported(child(path, 'terminationMessagePolicy'), policy, [
        'File',
        'FallbackToLogsOnError',
      ]),
    );
  }
  errs.push(...validateContainerPorts(c.ports, child(path, 'ports')));
  errs.push(...validateEnv(c.env, child(path, 'env')));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, child(path, 'volumeMounts')));
  const pull = c.imagePullPolicy;
  if (!pull) errs.push(fieldError.required(child(path, 'imagePullPolicy')));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(String(pull))) {
    errs.push(
      fieldError.notSupported(child(path, 'imagePullPolicy'), pull, ['Always', 'IfNotPresent', 'Never']),
    );
  }
  errs.push(...validateResourceRequirements(c.resources, child(path, 'resources')));
  errs.push(...validateContainerSecurityContext(c.securityContext, child(path, 'securityContext')));
  return errs;
}

function dnsLabelErrors(value: string, field: string): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldError.invalid(field, value, m));
}

/** `checkHostPortConflicts`: one `protocol/hostIP/hostPort` per pod. */
function hostPortConflicts(containers: JsonObject[], path: string): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    recs(c.ports).forEach((port, pi) => {
      if (!port.hostPort) return;
      const text = `${str(port.protocol) ?? ''}/${str(port.hostIP) ?? ''}/${port.hostPort}`;
      if (seen.has(text))
        errs.push(fieldError.duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), text));
      seen.add(text);
    });
  });
  return errs;
}

/** `validateContainers`: at least one, unique names, probes and lifecycle. */
export function validateContainers(containers: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const list = recs(containers);
  if (list.length === 0) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, p, ctx));
    const name = str(c.name) ?? '';
    if (names.has(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
    else names.add(name);
    if (isRecord(c.lifecycle)) {
      for (const h of ['postStart', 'preStop']) {
        if (isRecord(c.lifecycle[h]))
          errs.push(...validateHandler(rec(c.lifecycle[h]), child(p, 'lifecycle', h), ctx.gracePeriod));
      }
    }
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      errs.push(...validateProbe(c[kind], kind, child(p, kind), ctx.gracePeriod));
    }
    if (c.restartPolicy !== undefined) {
      errs.push(fieldError.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
    }
  });
  errs.push(...hostPortConflicts(list, path));
  return errs;
}

/** `validateInitContainers`: names unique across regular and init containers; probes only for sidecars. */
export function validateInitContainers(
  inits: unknown,
  regular: unknown,
  path: string,
  ctx: ContainerContext,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(recs(regular).map((c) => str(c.name) ?? ''));
  recs(inits).forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, p, ctx));
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !sidecar) {
      errs.push(fieldError.notSupported(child(p, 'restartPolicy'), c.restartPolicy, ['Always']));
    }
    const name = str(c.name) ?? '';
    if (names.has(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
    else if (name) names.add(name);
    errs.push(...hostPortConflicts([c], path));
    for (const kind of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[kind] === undefined) continue;
      if (!sidecar) {
        errs.push(
          fieldError.forbidden(
            child(p, kind),
            'may not be set for init containers without restartPolicy=Always',
          ),
        );
      } else if (kind !== 'lifecycle') {
        errs.push(...validateProbe(c[kind], kind, child(p, kind), ctx.gracePeriod));
      }
    }
  });
  return errs;
}

export { validatePortNumOrName } from './probes-validation.js';
