/**
 * The public surface of `api/`: the resource table, object types, Status and
 * field errors, selectors, quantities, strict-decoding checks, and the per-kind
 * strategies (registered on import, so importing `api/index.js` is enough for
 * the Registry to default and validate every kind).
 */
import './kinds/index.js';

export { type CalicoLabels, type CalicoSelector, parseCalicoSelector } from './calico-selector.js';
export { type DryRunResult, dryRunCreate, dryRunUpdate } from './dry-run.js';
export {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  internalError,
  invalid,
  isAlreadyExists,
  isConflict,
  isNotFound,
  methodNotAllowed,
  notFound,
  type StatusDetails,
  StatusError,
  type StatusReason,
  unsupportedMediaType,
} from './errors.js';
export {
  type FieldError,
  type FieldErrorType,
  fieldError,
  formatFieldError,
  formatFieldErrors,
  formatFieldValue,
  type GoLiteral,
  goLiteral,
} from './field-errors.js';
export {
  type FieldRequirement,
  type FieldSelector,
  FieldSelectorParseError,
  fieldValue,
  parseFieldSelector,
} from './fields.js';
export { canonicalize, deepClone, jsonEqual } from './json.js';
export {
  canonicalPodTemplate,
  defaultDeployment,
  defaultPodTemplate,
  defaultReplicaSet,
  defaultService,
  imageTag,
  NAMESPACE_NAME_LABEL,
  POD_TEMPLATE_HASH_LABEL,
  podQOSClass,
} from './kinds/index.js';
export { setDefaultTolerationSeconds } from './kinds/pod.js';
export {
  everything,
  formatLabels,
  type Labels,
  nothing,
  type Operator,
  parseSelector,
  type Requirement,
  type Selector,
  SelectorParseError,
  selectorFromLabelSelector,
  selectorFromMap,
  selectorOf,
} from './labels.js';
export {
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  milliValueOf,
  parseQuantity,
  QUANTITY_FORMAT_MESSAGE,
  type Quantity,
  type QuantityFormat,
  quantityFromMilli,
  quantityFromValue,
  roundUpToMilli,
  toMilli,
  toValue,
  wholeValueOf,
} from './quantity.js';
export {
  apiVersionOf,
  CALICO_GROUP,
  DISCOVERY_RESOURCES,
  isReview,
  knownKinds,
  qualifiedResource,
  RESOURCES,
  REVIEW_RESOURCES,
  type ResourceInfo,
  resourceForKey,
  resourceForKind,
  resourceForName,
  resourceForPath,
  resourceKeyOf,
} from './resources.js';
export { type KindStrategy, registerStrategy, strategyFor } from './strategy.js';
export * from './types.js';
export {
  type ApiSchema,
  checkFieldTypes,
  type DecodeStyle,
  encodeObject,
  findUnknownFields,
  goDecodeError,
  hasSchema,
  normalizeNulls,
  unknownFieldMessage,
} from './unknown-fields.js';
export {
  cidrContains,
  cidrSize,
  cidrsOverlap,
  emulatedRoutableRangesDeclared,
  formatIPv4,
  type IPv4Cidr,
  isCidr,
  isIP,
  parseIPv4,
  parseIPv4Cidr,
  setEmulatedRoutableRanges,
} from './validation/ip.js';
export {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from './validation/strings.js';
