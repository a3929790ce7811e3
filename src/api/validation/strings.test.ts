import { describe, expect, it } from 'vitest';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  regexError,
} from './strings.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

interface Case {
  name: string;
  check: (v: string) => string[];
  value: string;
  want: string[];
}

describe('apimachinery string formats', () => {
  it.each<Case>([
    { name: 'subdomain: valid dotted name', check: isDNS1123Subdomain, value: 'web.example.com', want: [] },
    { name: 'subdomain: upper case', check: isDNS1123Subdomain, value: 'Web', want: [SUBDOMAIN_MSG] },
    { name: 'subdomain: trailing dash', check: isDNS1123Subdomain, value: 'web-', want: [SUBDOMAIN_MSG] },
    {
      name: 'subdomain: 254 characters',
      check: isDNS1123Subdomain,
      value: 'a'.repeat(254),
      want: ['must be no more than 253 characters'],
    },
    { name: 'label: valid', check: isDNS1123Label, value: 'kube-system', want: [] },
    {
      name: 'label: dots are not allowed',
      check: isDNS1123Label,
      value: 'a.b',
      want: ['must not contain dots'],
    },
    { name: 'label: underscore', check: isDNS1123Label, value: 'my_ns', want: [LABEL_MSG] },
    {
      name: 'label: too long and invalid',
      check: isDNS1123Label,
      value: `${'a'.repeat(63)}-`,
      want: ['must be no more than 63 characters', LABEL_MSG],
    },
    { name: 'DNS-1035: starts with a digit', check: isDNS1035Label, value: '1web', want: [DNS1035_MSG] },
    { name: 'DNS-1035: valid Service name', check: isDNS1035Label, value: 'myweb-svc', want: [] },
    { name: 'qualified name: prefixed', check: isQualifiedName, value: 'app.kubernetes.io/name', want: [] },
    { name: 'qualified name: bad name part', check: isQualifiedName, value: 'app!', want: [NAME_PART_MSG] },
    {
      name: 'qualified name: empty prefix',
      check: isQualifiedName,
      value: '/app',
      want: ['prefix part must be non-empty'],
    },
    {
      name: 'qualified name: upper-case prefix',
      check: isQualifiedName,
      value: 'Example.com/app',
      want: [`prefix part ${SUBDOMAIN_MSG}`],
    },
    { name: 'label value: empty is valid', check: isValidLabelValue, value: '', want: [] },
    {
      name: 'label value: spaces',
      check: isValidLabelValue,
      value: 'a b',
      want: [
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    },
    { name: 'port name: valid', check: isValidPortName, value: 'http-web', want: [] },
    {
      name: 'port name: digits only',
      check: isValidPortName,
      value: '8080',
      want: ['must contain at least one letter (a-z)'],
    },
    {
      name: 'port name: upper case and double hyphen',
      check: isValidPortName,
      value: 'Web--x',
      want: [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must not contain consecutive hyphens',
      ],
    },
    {
      name: 'port name: 16 characters',
      check: isValidPortName,
      value: 'abcdefghijklmnop',
      want: ['must be no more than 15 characters'],
    },
    { name: 'wildcard host', check: isWildcardDNS1123Subdomain, value: '*.foo.com', want: [] },
    {
      name: 'percent: missing sign',
      check: isValidPercent,
      value: '25',
      want: [
        regexError(
          "a valid percent string must be a numeric string followed by an ending '%'",
          '[0-9]+%',
          '1%',
          '93%',
        ),
      ],
    },
  ])('$name', ({ check, value, want }) => {
    expect(check(value)).toEqual(want);
  });

  it.each([
    { port: 0, ok: false },
    { port: 1, ok: true },
    { port: 65535, ok: true },
    { port: 70000, ok: false },
  ])('port number $port', ({ port, ok }) => {
    expect(isValidPortNum(port)).toEqual(ok ? [] : ['must be between 1 and 65535, inclusive']);
  });
});
