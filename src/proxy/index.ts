/**
 * kube-proxy for netkube: Services + EndpointSlices → a RuleSet per node (pure
 * compile), renderers for iptables / nftables / ipvs text, and `evaluatePacket`, the
 * single packet evaluator the dataplane and the tracer share.
 */
export { AffinityTable, IpvsState, MAX_AFFINITY_SECONDS } from './affinity.js';
export { BoundedFrequencyRunner, type BoundedFrequencyRunnerConfig } from './bounded-frequency-runner.js';
export { type CategorizedEndpoints, type CategorizeNode, categorizeEndpoints } from './categorize.js';
export { compileProxyRules, recompileProxyRules } from './compile.js';
export {
  ProxyController,
  type ProxyControllerConfig,
  type ProxyNode,
  type ProxySyncEvent,
} from './controller.js';
export { type EndpointsChangeResult, EndpointsChangeTracker } from './endpoint-changes.js';
export { endpointsFromSlices, LABEL_SERVICE_NAME, sliceServiceName } from './endpoint-slices.js';
export { type EvaluatePacketOptions, evaluatePacket } from './evaluate/evaluate.js';
export type {
  AffinityView,
  Candidate,
  EvaluateOptions,
  IpvsConnectionCounts,
  IpvsCursor,
  IpvsCursorView,
  MatchedRule,
  Packet,
  PacketResult,
  SourceRole,
  StateUpdate,
  Verdict,
} from './evaluate/types.js';
export {
  type EndpointInfo,
  type Protocol,
  type ProxyState,
  type ServicePortInfo,
  type ServicePortName,
  servicePortKey,
} from './model.js';
export * as naming from './naming.js';
export type { CompileOptions, IpvsScheduler, OptionProblem, ProxyMode, ResolvedOptions } from './options.js';
export { type RulesFormat, renderRules } from './render/index.js';
export { type ProxyRoutesConfig, proxyExtensionRoutes } from './routes.js';
export type { Action, Chain, CtState, Hook, L4Protocol, Match, Rule } from './rules.js';
export type {
  ChainTable,
  IptablesRuleSet,
  IpvsRealServer,
  IpvsRuleSet,
  IpvsVirtualServer,
  NftablesRuleSet,
  RuleSet,
} from './ruleset.js';
export { getChain } from './ruleset.js';
export { type ServiceChangeResult, ServiceChangeTracker } from './service-changes.js';
export { buildServicePorts, shouldSkipService } from './service-port.js';
