/**
 * `compileProxyRules`: one node's kube-proxy, as a pure function from the proxy state
 * to a RuleSet in the configured mode; `recompileProxyRules` is the partial sync that
 * recompiles only the service ports that changed (kube-proxy's `needFullSync` false).
 */
import { assertNever } from '../util/assert-never.js';
import { compileIptables, recompileIptables } from './iptables/compile.js';
import { compileIpvs, recompileIpvs } from './ipvs/compile.js';
import type { ProxyState } from './model.js';
import { compileNftables, recompileNftables } from './nftables/compile.js';
import { type CompileOptions, resolveOptions } from './options.js';
import type { RuleSet } from './ruleset.js';

/**
 * Compiles every Service port of `state` into the rules `options.nodeName`'s kube-proxy
 * would write. Never throws on user data: bad option values are dropped and reported in
 * `ruleSet.problems`. Called by the runner on a full sync and by tests.
 */
export function compileProxyRules(state: ProxyState, options: CompileOptions): RuleSet {
  const { options: resolved, problems } = resolveOptions(options);
  switch (resolved.mode) {
    case 'iptables':
      return compileIptables(state, resolved, problems);
    case 'nftables':
      return compileNftables(state, resolved, problems);
    case 'ipvs':
      return compileIpvs(state, resolved, problems);
    default:
      return assertNever(resolved.mode, 'proxy mode');
  }
}

/**
 * Recompiles the service ports in `changedServicePorts` (keys from the change trackers'
 * `apply()`) on top of `previous`, reusing every other per-service fragment. The result
 * equals `compileProxyRules(state, previous options)`; the caller must pass every key
 * whose Service or endpoints changed since `previous` was compiled.
 */
export function recompileProxyRules(
  previous: RuleSet,
  state: ProxyState,
  changedServicePorts: Iterable<string>,
): RuleSet {
  switch (previous.mode) {
    case 'iptables':
      return recompileIptables(previous, state, changedServicePorts);
    case 'nftables':
      return recompileNftables(previous, state, changedServicePorts);
    case 'ipvs':
      return recompileIpvs(previous, state, changedServicePorts);
    default:
      return assertNever(previous, 'rule set');
  }
}
