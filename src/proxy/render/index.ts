/**
 * Renders a RuleSet in its mode's native text: `iptables-restore` payload or
 * `iptables-save` view (iptables), `nft` table dump (nftables), `ipvsadm -Ln` (ipvs).
 */
import { assertNever } from '../../util/assert-never.js';
import type { IpvsConnectionCounts } from '../evaluate/types.js';
import type { RuleSet } from '../ruleset.js';
import { renderIptablesRestore } from './iptables-restore.js';
import { renderIptablesSave } from './iptables-save.js';
import { renderIpvsadm } from './ipvsadm.js';
import { renderNftables } from './nftables.js';

/** `restore` is what kube-proxy writes; `save` what the node shows. Only iptables mode has both. */
export type RulesFormat = 'restore' | 'save';

/**
 * The RuleSet as text; `format` applies to iptables mode. @default 'save'
 * `ipvs` is the node's live ipvs state, for the connection counts of `ipvsadm -Ln`.
 */
export function renderRules(
  ruleSet: RuleSet,
  format: RulesFormat = 'save',
  ipvs?: IpvsConnectionCounts,
): string {
  switch (ruleSet.mode) {
    case 'iptables':
      return format === 'restore' ? renderIptablesRestore(ruleSet) : renderIptablesSave(ruleSet);
    case 'nftables':
      return renderNftables(ruleSet);
    case 'ipvs':
      return renderIpvsadm(ruleSet, ipvs);
    default:
      return assertNever(ruleSet, 'rule set');
  }
}

export { computeProbability, renderIptablesRestore } from './iptables-restore.js';
export { renderIptablesSave } from './iptables-save.js';
export { renderIpvsadm } from './ipvsadm.js';
export { renderNftables } from './nftables.js';
