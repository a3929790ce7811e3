/**
 * The trace part: the packet tracer (`traceConnection`, pure over the
 * dataplane's path planner, the DNS view and the ingress route table), its
 * text and Mermaid renderings, the flow log (a bounded ring buffer that is
 * the dataplane's `FlowSink`) with Hubble-style filters, and the `POST
 * /trace` and `GET /flows` routes.
 */
export {
  type CatalogNode,
  type CatalogPod,
  type CatalogService,
  catalogService,
  storeCatalog,
  type TraceCatalog,
} from './catalog.js';
export { closeMatches } from './close-matches.js';
export { compactFlow, stampMilli } from './flow-compact.js';
export { FLOW_FILTER_KEYS, type FlowFilter, matchesFlow, parseFlowFilter } from './flow-filter.js';
export { estimateFlowBytes, type FlowListener, FlowLog, type FlowLogConfig } from './flow-log.js';
export type { IngressView } from './ingress-step.js';
export { type LiveTraceConfig, liveTraceDeps } from './live.js';
export type * from './model.js';
export { TRACE_API_VERSION } from './model.js';
export { checkMermaidSubset, mermaidText, renderTraceMermaid } from './render-mermaid.js';
export { renderTraceText } from './render-text.js';
export { flowRoutes, parseTraceBody, type TraceRouteConfig, traceRoutes } from './routes.js';
export { type TraceDeps, traceConnection } from './trace.js';
