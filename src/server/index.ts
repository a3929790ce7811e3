/**
 * The API server part: the Kubernetes REST API kubectl and the netkube CLI
 * use, netkube's extension routes, server-side printing, patch engines and the
 * kubeconfig writer.
 */
export { ApiServer, type ApiServerConfig } from './api-server.js';
export { type ApplyAction, type ApplyResult, applyAll } from './apply/atomic-apply.js';
export { LAST_APPLIED, planApply, sortedJson, withLastApplied } from './apply/last-applied.js';
export {
  type ExtensionRequest,
  type ExtensionResult,
  type ExtensionRoute,
  NETKUBE_API_PREFIX,
} from './extensions.js';
export type { PodExec, PodExecRequest, PodExecResult } from './handlers/exec-stream.js';
export { type KubeconfigOptions, kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
export {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  PatchError,
  patchSchemaFor,
} from './patch/index.js';
export {
  containerWaitingError,
  NO_POD_LOGS,
  type PodLogOptions,
  type PodLogRequest,
  type PodLogStream,
  type PodLogs,
  previousTerminatedNotFoundError,
} from './pod-logs.js';
export {
  columnsFor,
  type IncludeObject,
  type PrintOptions,
  printerFor,
  printRow,
  printTable,
  type Table,
  type TableCell,
  type TableColumnDefinition,
  type TableRow,
} from './printers/index.js';
export { type VersionInfo, versionInfo } from './version.js';
