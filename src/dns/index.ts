export { balanceSections, roundRobin } from './loadbalance.js';
export {
  candidates,
  chaseCname,
  NDOTS,
  type PodResolverConfig,
  podResolvConf,
  type QueryReply,
  queryForPod,
  type Resolution,
  type ResolveAttempt,
  resolveForPod,
  searchList,
} from './resolver.js';
export {
  type DnsServerConfig,
  type HandleQueryOptions,
  handleQuery,
  type RunningDnsServer,
  serveDnsStream,
  startDnsServer,
  type Transport,
} from './server.js';
export { type StoreDnsViewConfig, storeDnsView } from './store-view.js';
export { forwardQuery, hostNameservers } from './upstream.js';
export {
  type Answer,
  answerQuestion,
  type ClusterDnsView,
  DNS_TTL,
  type DnsRecord,
  endpointHostname,
  HOST_GATEWAY_IP,
  HOST_GATEWAY_NAME,
  MAX_CNAME_CHAIN,
  type Rcode,
  soaRecord,
  type ViewEndpoint,
  type ViewService,
  type ZoneAnswer,
} from './zone.js';
