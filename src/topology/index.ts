/**
 * Topologies: the emulated cluster's shape (nodes, subnets, addresses, modes)
 * from `topologies/*.yaml`, resolved and validated before anything starts.
 */
export {
  API_PORT,
  formatHostPort,
  isLoopback,
  MAX_SLOT,
  parseHostPort,
  type SlotDefaults,
  slotDefaults,
} from './addresses.js';
export type { TopologyProblem } from './fields.js';
export { defaultTopologyText, type LoadTopologyOptions, loadTopology, TopologyError } from './load.js';
export { CONTROL_PLANE_TAINT } from './nodes.js';
export type * from './types.js';
