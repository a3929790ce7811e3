/**
 * ConfigMap and Secret (core/v1): keys as `IsConfigMapKey`, 1 MiB in total,
 * the `immutable` flag honoured on update. A Secret's type defaults to
 * Opaque, and `stringData` is folded into base64 `data` and dropped, as the
 * API server's conversion does, so `get -o yaml` never shows it. The
 * well-known Secret types get `ValidateSecret`'s checks (`validateSecretType`).
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { jsonEqual } from '../json.js';
import { goJsonObjectError } from '../validation/go-json.js';
import { nameIsDNSSubdomain, validateImmutable, validateObjectMeta } from '../validation/meta.js';
import { isConfigMapKey } from '../validation/strings.js';
import { type JsonObject, key, rec, str } from '../validation/values.js';
import { defineKind } from './define.js';

const MAX_SIZE = 1024 * 1024;

function validateKeys(map: unknown, path: string): FieldError[] {
  return Object.keys(rec(map)).flatMap((k) =>
    isConfigMapKey(k).map((m) => fieldError.invalid(key(path, k), k, m)),
  );
}

function tooLong(field: string): FieldError {
  return { type: 'FieldValueTooLong', field, detail: `must have at most ${MAX_SIZE} bytes` };
}

function validateImmutableData(obj: JsonObject, old: JsonObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true)
    errs.push(fieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!jsonEqual(obj[f] ?? {}, old[f] ?? {}))
      errs.push(fieldError.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

function validateConfigMap(cm: JsonObject): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateKeys(cm.data, 'data'));
  let total = 0;
  for (const [k, v] of Object.entries(rec(cm.data))) {
    if (k in rec(cm.binaryData))
      errs.push(fieldError.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(String(v));
  }
  errs.push(...validateKeys(cm.binaryData, 'binaryData'));
  for (const v of Object.values(rec(cm.binaryData))) total += Buffer.from(String(v), 'base64').length;
  if (total > MAX_SIZE) errs.push(tooLong(''));
  return errs;
}

defineKind({
  kind: 'ConfigMap',
  validate: validateConfigMap,
  validateUpdate: (cm, old) => validateImmutableData(cm, old, ['data', 'binaryData']),
});

/** Go's `illegal base64 data at input byte N`, or undefined for valid standard base64. */
function base64Error(text: string): string | undefined {
  const m = /[^A-Za-z0-9+/=]/.exec(text);
  if (m) return `illegal base64 data at input byte ${m.index}`;
  const padding = text.indexOf('=');
  if (text.length % 4 !== 0 || (padding >= 0 && !/^=*$/.test(text.slice(padding)))) {
    return `illegal base64 data at input byte ${padding >= 0 ? padding : text.length - (text.length % 4)}`;
  }
  return undefined;
}

function defaultSecret(secret: JsonObject): void {
  if (!secret.type) secret.type = 'Opaque';
  const stringData = rec(secret.stringData);
  if (Object.keys(stringData).length > 0) {
    const data = { ...rec(secret.data) };
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
    secret.data = data;
  }
  delete secret.stringData;
}

/** The key a docker config Secret must hold, whose content must be a JSON object. */
const DOCKER_CONFIG_KEYS: Readonly<Record<string, string>> = {
  'kubernetes.io/dockercfg': '.dockercfg',
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
};

/**
 * `ValidateSecret`'s checks of the well-known types: a service account token
 * names its account; a docker config is present and well-formed JSON (Go's
 * `json.Unmarshal` error otherwise); basic-auth has a username or a password;
 * ssh-auth a non-empty private key; tls both `tls.crt` and `tls.key` (their
 * contents are not checked upstream either).
 */
function validateSecretType(secret: JsonObject): FieldError[] {
  const type = str(secret.type) ?? '';
  const data = rec(secret.data);
  switch (type) {
    case 'kubernetes.io/service-account-token':
      return rec(rec(secret.metadata).annotations)['kubernetes.io/service-account.name']
        ? []
        : [fieldError.required('metadata.annotations[kubernetes.io/service-account.name]')];
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const k = DOCKER_CONFIG_KEYS[type] as string;
      if (!(k in data)) return [fieldError.required(key('data', k))];
      const text = String(data[k]);
      if (base64Error(text)) return [];
      const err = goJsonObjectError(Buffer.from(text, 'base64'));
      return err ? [fieldError.invalid(key('data', k), '<secret contents redacted>', err)] : [];
    }
    case 'kubernetes.io/basic-auth':
      return 'username' in data || 'password' in data
        ? []
        : [fieldError.required('data[username]'), fieldError.required('data[password]')];
    case 'kubernetes.io/ssh-auth':
      return String(data['ssh-privatekey'] ?? '') === '' ? [fieldError.required('data[ssh-privatekey]')] : [];
    case 'kubernetes.io/tls':
      return ['tls.crt', 'tls.key']
        .filter((k) => !(k in data))
        .map((k) => fieldError.required(key('data', k)));
    default:
      return [];
  }
}

function validateSecret(secret: JsonObject): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateKeys(secret.data, 'data'));
  let total = 0;
  for (const [k, v] of Object.entries(rec(secret.data))) {
    const text = String(v);
    const bad = base64Error(text);
    if (bad) errs.push(fieldError.invalid(key('data', k), '<secret contents redacted>', bad));
    else total += Buffer.from(text, 'base64').length;
  }
  if (total > MAX_SIZE) errs.push(tooLong('data'));
  errs.push(...validateSecretType(secret));
  return errs;
}

defineKind({
  kind: 'Secret',
  defaults: defaultSecret,
  validate: validateSecret,
  validateUpdate: (s, old) => [
    ...validateImmutable(s.type, old.type, 'type'),
    ...validateImmutableData(s, old, ['data']),
  ],
});
