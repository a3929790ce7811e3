/**
 * String-format checks with apimachinery's exact message texts
 * (`k8s.io/apimachinery/pkg/util/validation`, `pkg/api/validate/content`).
 * Each returns the list of messages for what is wrong (empty when valid), as
 * the Go functions do, so callers wrap them in `fieldError.invalid`.
 *
 * Length messages say "characters", as Kubernetes 1.28–1.33 servers print them
 * (newer `content` helpers say "bytes"; users mostly meet the former).
 */

/** `must be no more than N characters` (`validation.MaxLenError`). */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** `<msg> (e.g. 'a', or 'b', regex used for validation is '<re>')` (`validation.RegexError`). */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  let text = `${msg} (e.g. `;
  examples.forEach((example, i) => {
    if (i > 0) text += ' or ';
    text += `'${example}', `;
  });
  return `${text}regex used for validation is '${re}')`;
}

/** `must be between LO and HI, inclusive` (`validation.InclusiveRangeError`). */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** `must be greater than or equal to 0` (`apimachineryvalidation.IsNegativeErrorMsg`). */
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';

/** `field is immutable` (`apimachineryvalidation.FieldImmutableErrorMsg`). */
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const WILDCARD_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
const WILDCARD_MSG =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

const dns1123Label = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const dns1123Subdomain = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const dns1035Label = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const wildcardSubdomain = new RegExp(`^${WILDCARD_FMT}$`);

/** Byte length, as Go's `len` counts a string. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * Values already found valid, per check: a cluster repeats the same label
 * keys, label values and namespaces on every object, and the checks run on
 * every write. Bounded; only valid values are kept (errors are rebuilt so
 * callers get fresh arrays).
 */
const KNOWN_VALID = 4096;

function checkRemembered(valid: Set<string>, value: string, check: (v: string) => string[]): string[] {
  if (valid.has(value)) return [];
  const errs = check(value);
  if (errs.length === 0) {
    if (valid.size >= KNOWN_VALID) valid.clear();
    valid.add(value);
  }
  return errs;
}

/** RFC 1123 label: namespaces, container names, port names of services. */
export function isDNS1123Label(value: string): string[] {
  return checkRemembered(VALID_DNS1123_LABELS, value, isDNS1123LabelCheck);
}

const VALID_DNS1123_LABELS = new Set<string>();

function isDNS1123LabelCheck(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1123Label.test(value)) {
    errs.push(
      dns1123Subdomain.test(value)
        ? 'must not contain dots'
        : regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'),
    );
  }
  return errs;
}

/** RFC 1123 subdomain: names of most objects. */
export function isDNS1123Subdomain(value: string): string[] {
  return checkRemembered(VALID_DNS1123_SUBDOMAINS, value, isDNS1123SubdomainCheck);
}

const VALID_DNS1123_SUBDOMAINS = new Set<string>();

function isDNS1123SubdomainCheck(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123Subdomain.test(value)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

/** RFC 1035 label: Service names. */
export function isDNS1035Label(value: string): string[] {
  return checkRemembered(VALID_DNS1035_LABELS, value, isDNS1035LabelCheck);
}

const VALID_DNS1035_LABELS = new Set<string>();

function isDNS1035LabelCheck(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1035Label.test(value))
    errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** `*.example.com`: Ingress hosts with a wildcard. */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!wildcardSubdomain.test(value)) errs.push(regexError(WILDCARD_MSG, WILDCARD_FMT, '*.example.com'));
  return errs;
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKey = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValue = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** A label key / qualified name: `[prefix/]name` (`validation.IsQualifiedName`). */
export function isQualifiedName(value: string): string[] {
  return checkRemembered(VALID_QUALIFIED_NAMES, value, isQualifiedNameCheck);
}

const VALID_QUALIFIED_NAMES = new Set<string>();

function isQualifiedNameCheck(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!labelKey.test(name)) {
    errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** A label value: empty, or up to 63 characters of `[A-Za-z0-9_.-]` (`validation.IsValidLabelValue`). */
export function isValidLabelValue(value: string): string[] {
  return checkRemembered(VALID_LABEL_VALUES, value, isValidLabelValueCheck);
}

const VALID_LABEL_VALUES = new Set<string>();

function isValidLabelValueCheck(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!labelValue.test(value))
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** A port number 1–65535 (`validation.IsValidPortNum`). */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** An IANA_SVC_NAME port name (`validation.IsValidPortName`). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** `25%` (`validation.IsValidPercent`). */
export function isValidPercent(percent: string): string[] {
  return /^[0-9]+%$/.test(percent)
    ? []
    : [
        regexError(
          "a valid percent string must be a numeric string followed by an ending '%'",
          '[0-9]+%',
          '1%',
          '93%',
        ),
      ];
}

/** An HTTP header name (`validation.IsHTTPHeaderName`). */
export function isHTTPHeaderName(value: string): string[] {
  return /^[-A-Za-z0-9]+$/.test(value)
    ? []
    : [
        regexError(
          "a valid HTTP header must consist of alphanumeric characters or '-'",
          '[-A-Za-z0-9]+',
          'X-Header-Name',
        ),
      ];
}

function chDirPrefixErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** An environment variable name (`validation.IsEnvVarName`). */
export function isEnvVarName(value: string): string[] {
  const errs = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)
    ? []
    : [
        regexError(
          "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
          '[-._a-zA-Z][-._a-zA-Z0-9]*',
          'my.env-name',
          'MY_ENV.NAME',
          'MyEnvName1',
        ),
      ];
  return [...errs, ...chDirPrefixErrors(value)];
}

/** A ConfigMap or Secret key (`validation.IsConfigMapKey`). */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        '[-._a-zA-Z0-9]+',
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  }
  return [...errs, ...chDirPrefixErrors(value)];
}

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

/**
 * `acme.io/foo` (`validation.IsDomainPrefixedPath`), used for IngressClass
 * `spec.controller`. Returns `[value, message]` pairs since the reported value
 * is the offending part, not the whole string.
 */
export function isDomainPrefixedPath(value: string): Array<[string, string]> {
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const path = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || path.length === 0) {
    return [[value, 'must be a domain-prefixed path (such as "acme.io/foo")']];
  }
  const errs: Array<[string, string]> = isDNS1123Subdomain(host).map((m) => [host, m]);
  if (!new RegExp(`^${HTTP_PATH_FMT}$`).test(path))
    errs.push([path, regexError('Invalid path', HTTP_PATH_FMT)]);
  return errs;
}
