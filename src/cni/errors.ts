/**
 * The error a NetworkPlugin throws when CNI ADD fails. Its message is the CNI
 * plugin's part of the CRI error, `plugin type="calico" failed (add): <why>`;
 * the kubelet prefixes `Failed to create pod sandbox: rpc error: code = Unknown
 * desc = failed to setup network for sandbox "<id>": ` to make the
 * FailedCreatePodSandBox event text, as containerd and kubelet do.
 */
import type { PodNetworkError } from '../controllers/kubelet/runtime.js';
import { NetkubeError } from '../util/errors.js';

export class PodNetworkSetupError extends NetkubeError implements PodNetworkError {
  declare readonly code: 'ERR_POD_NETWORK';

  /** `pluginType` is CNI's `type`: `calico`, or `bridge` for host-local mode. */
  constructor(pluginType: string, why: string, options?: { cause?: unknown }) {
    super('ERR_POD_NETWORK', `plugin type="${pluginType}" failed (add): ${why}`, options);
  }
}
