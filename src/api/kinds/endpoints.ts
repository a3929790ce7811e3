/**
 * The Endpoints strategy (core/v1; the endpoints controller writes them,
 * users may too): port protocols default to TCP, `ValidateEndpoints`.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { validateIP, validateNonSpecialIP } from '../validation/ip.js';
import { nameIsDNSSubdomain, validateObjectMeta } from '../validation/meta.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortNum,
} from '../validation/strings.js';
import { arr, child, index, type JsonObject, recs, str } from '../validation/values.js';
import { validateProtocol } from './containers-validation.js';
import { defineKind } from './define.js';

function defaultEndpoints(ep: JsonObject): void {
  for (const subset of recs(ep.subsets))
    for (const port of recs(subset.ports)) if (!port.protocol) port.protocol = 'TCP';
}

function validateAddress(address: JsonObject, path: string): FieldError[] {
  const ip = str(address.ip) ?? '';
  const errs = validateIP(child(path, 'ip'), ip);
  const hostname = str(address.hostname);
  if (hostname)
    errs.push(
      ...isDNS1123Label(hostname).map((m) => fieldError.invalid(child(path, 'hostname'), hostname, m)),
    );
  const nodeName = str(address.nodeName);
  if (nodeName !== undefined) {
    errs.push(
      ...isDNS1123Subdomain(nodeName).map((m) => fieldError.invalid(child(path, 'nodeName'), nodeName, m)),
    );
  }
  return [...errs, ...validateNonSpecialIP(child(path, 'ip'), ip)];
}

/** A port of an Endpoints subset (`validateEndpointPort`); also used for EndpointSlice-like checks. */
export function validateEndpointPort(port: JsonObject, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name) ?? '';
  if (requireName && !name) errs.push(fieldError.required(child(path, 'name')));
  else if (name)
    errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(child(path, 'name'), name, m)));
  const num = typeof port.port === 'number' ? port.port : 0;
  errs.push(...isValidPortNum(num).map((m) => fieldError.invalid(child(path, 'port'), num, m)));
  errs.push(...validateProtocol(port.protocol, child(path, 'protocol')));
  const appProtocol = str(port.appProtocol);
  if (appProtocol !== undefined) {
    errs.push(
      ...isQualifiedName(appProtocol).map((m) =>
        fieldError.invalid(child(path, 'appProtocol'), appProtocol, m),
      ),
    );
  }
  return errs;
}

function validateEndpoints(ep: JsonObject): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  recs(ep.subsets).forEach((subset, i) => {
    const path = index('subsets', i);
    if (arr(subset.addresses).length === 0 && arr(subset.notReadyAddresses).length === 0) {
      errs.push(fieldError.required(path, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const list of ['addresses', 'notReadyAddresses']) {
      recs(subset[list]).forEach((a, j) => {
        errs.push(...validateAddress(a, index(child(path, list), j)));
      });
    }
    const ports = recs(subset.ports);
    ports.forEach((p, j) => {
      errs.push(...validateEndpointPort(p, ports.length > 1, index(child(path, 'ports'), j)));
    });
  });
  return errs;
}

defineKind({ kind: 'Endpoints', defaults: defaultEndpoints, validate: validateEndpoints });
