/**
 * Manifests: YAML and JSON from files, directories and stdin, checked as the
 * API server would check them, with every error placed at its file and line.
 */
export { type CheckedObject, checkObject, type ObjectContext, suggestKind } from './check-object.js';
export {
  type LoadedManifest,
  type LoadOptions,
  type LoadResult,
  loadManifests,
  type ManifestCandidate,
  type ManifestSource,
  parseManifests,
} from './load.js';
export { formatProblem, ManifestError, type ManifestProblem, type ManifestProblemCode } from './problems.js';
export { type ManifestText, readInputs, type StdinSource } from './read-inputs.js';
export { expandLeadingTabs, fieldOffset, fieldPathSteps, parseYaml } from './yaml-documents.js';
