/**
 * The EndpointSlice strategy (discovery.k8s.io/v1): port names default to ""
 * and protocols to TCP (`SetDefaults_EndpointPort`), `ValidateEndpointSlice`,
 * and an immutable `addressType`.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { validateIPv4, validateNonSpecialIP } from '../validation/ip.js';
import {
  nameIsDNSSubdomain,
  validateImmutable,
  validateLabels,
  validateObjectMeta,
} from '../validation/meta.js';
import { isDNS1123Label, isQualifiedName } from '../validation/strings.js';
import { arr, child, index, type JsonObject, rec, recs, str } from '../validation/values.js';
import { validateProtocol } from './containers-validation.js';
import { defineKind } from './define.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

function defaultSlice(slice: JsonObject): void {
  for (const port of recs(slice.ports)) {
    if (port.name === undefined) port.name = '';
    if (!port.protocol) port.protocol = 'TCP';
  }
}

function validateEndpoint(endpoint: JsonObject, addressType: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const addressPath = child(path, 'addresses');
  const addresses = arr(endpoint.addresses);
  if (addresses.length === 0) errs.push(fieldError.required(addressPath, 'must contain at least 1 address'));
  else if (addresses.length > 100) errs.push(fieldError.tooMany(addressPath, addresses.length, 100));
  addresses.forEach((a, i) => {
    const p = index(addressPath, i);
    if (addressType === 'IPv4')
      errs.push(...validateIPv4(p, String(a)), ...validateNonSpecialIP(p, String(a)));
  });
  const topology = rec(endpoint.deprecatedTopology);
  if (Object.keys(topology).length > 16) {
    errs.push(fieldError.tooMany(child(path, 'deprecatedTopology'), Object.keys(topology).length, 16));
  }
  errs.push(...validateLabels(topology, child(path, 'deprecatedTopology')));
  const hostname = str(endpoint.hostname);
  if (hostname !== undefined) {
    errs.push(
      ...isDNS1123Label(hostname).map((m) => fieldError.invalid(child(path, 'hostname'), hostname, m)),
    );
  }
  return errs;
}

function validateSlice(slice: JsonObject): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const addressType = slice.addressType;
  if (!addressType) errs.push(fieldError.required('addressType'));
  else if (!ADDRESS_TYPES.includes(String(addressType)))
    errs.push(fieldError.notSupported('addressType', addressType, ADDRESS_TYPES));
  const endpoints = recs(slice.endpoints);
  if (endpoints.length > 1000) errs.push(fieldError.tooMany('endpoints', endpoints.length, 1000));
  else
    endpoints.forEach((e, i) => {
      errs.push(...validateEndpoint(e, addressType, index('endpoints', i)));
    });
  const ports = recs(slice.ports);
  const names = new Set<string>();
  if (ports.length > 100) errs.push(fieldError.tooMany('ports', ports.length, 100));
  else {
    ports.forEach((port, i) => {
      const path = index('ports', i);
      const name = str(port.name) ?? '';
      if (name)
        errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(child(path, 'name'), name, m)));
      if (names.has(name)) errs.push(fieldError.duplicate(child(path, 'name'), name));
      names.add(name);
      errs.push(...validateProtocol(port.protocol, child(path, 'protocol')));
      const appProtocol = str(port.appProtocol);
      if (appProtocol !== undefined) {
        errs.push(
          ...isQualifiedName(appProtocol).map((m) =>
            fieldError.invalid(child(path, 'appProtocol'), appProtocol, m),
          ),
        );
      }
    });
  }
  return errs;
}

defineKind({
  kind: 'EndpointSlice',
  defaults: defaultSlice,
  validate: validateSlice,
  validateUpdate: (slice, old) => validateImmutable(slice.addressType, old.addressType, 'addressType'),
});
