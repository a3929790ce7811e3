/**
 * Every shared ingress case, in one list for `runIngressCases`. Each row is a
 * behaviour of the reference (/work/shared/reference/ingress.md) or of
 * ingress-nginx's source where the reference is thin; docs/ingress.md lists
 * where they differ from the Ingress spec.
 */
import { REGEX_CASES, REWRITE_CASES, TLS_REDIRECT_CASES } from './cases-annotations.js';
import { CANARY_CASES, LIMIT_CASES } from './cases-canary.js';
import { CLASS_CASES, DEFAULT_BACKEND_CASES, HOST_CASES, PRECEDENCE_CASES } from './cases-hosts.js';
import { PATH_BEHAVIOUR_CASES, PATH_TABLE_CASES } from './cases-paths.js';
import type { IngressCase } from './run-cases.js';

export const INGRESS_CASES: readonly IngressCase[] = [
  ...PATH_TABLE_CASES,
  ...PATH_BEHAVIOUR_CASES,
  ...HOST_CASES,
  ...DEFAULT_BACKEND_CASES,
  ...PRECEDENCE_CASES,
  ...CLASS_CASES,
  ...REGEX_CASES,
  ...REWRITE_CASES,
  ...TLS_REDIRECT_CASES,
  ...CANARY_CASES,
  ...LIMIT_CASES,
];
