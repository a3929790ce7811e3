/**
 * What the kubelet knows about one container at one instant, as plain data:
 * the input of the pure status functions (`pod-status.ts`, `pod-conditions.ts`).
 * The pod worker builds these from its live records.
 */

import type { ContainerStateTerminated } from 'kubernetes-types/core/v1.js';
import type { Container, ContainerStatus } from '../../api/types.js';
import { assertNever } from '../../util/assert-never.js';
import { imageID, imageName } from './identity.js';
import { apiTime as rfc3339 } from './time.js';

/** How a container instance ended (`state.terminated` / `lastState.terminated`). */
export interface Termination {
  readonly exitCode: number;
  /** `Completed`, `Error`, `OOMKilled`, `Unknown`, `ContainerStatusUnknown`. */
  readonly reason: string;
  readonly message?: string | undefined;
  readonly startedAt?: number | undefined;
  readonly finishedAt?: number | undefined;
  readonly containerID?: string | undefined;
}

export type ContainerRunState =
  /** Not running: `ContainerCreating`, `PodInitializing`, `CrashLoopBackOff`. */
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string | undefined }
  | { readonly kind: 'running'; readonly startedAt: number }
  | { readonly kind: 'terminated'; readonly termination: Termination };

export interface ContainerView {
  readonly name: string;
  /** The image as the spec names it. */
  readonly image: string;
  /** Whether the image has been resolved on the node (then `image`/`imageID` show the full reference). */
  readonly pulled: boolean;
  readonly containerID: string | undefined;
  readonly state: ContainerRunState;
  readonly lastTermination: Termination | undefined;
  readonly restartCount: number;
  readonly ready: boolean;
  readonly started: boolean;
}

/** Init containers with `restartPolicy: Always` are sidecars: they keep running beside the app. */
export function isRestartableInit(container: Pick<Container, 'restartPolicy'>): boolean {
  return container.restartPolicy === 'Always';
}

function terminated(t: Termination): ContainerStateTerminated {
  return {
    exitCode: t.exitCode,
    reason: t.reason,
    ...(t.message !== undefined ? { message: t.message } : {}),
    ...(t.startedAt !== undefined ? { startedAt: rfc3339(t.startedAt) } : {}),
    ...(t.finishedAt !== undefined ? { finishedAt: rfc3339(t.finishedAt) } : {}),
    ...(t.containerID !== undefined ? { containerID: t.containerID } : {}),
  };
}

/** The API `ContainerStatus` of a view, field for field as the kubelet writes it. */
export function toContainerStatus(v: ContainerView): ContainerStatus {
  let state: ContainerStatus['state'];
  switch (v.state.kind) {
    case 'waiting':
      state = {
        waiting: {
          reason: v.state.reason,
          ...(v.state.message !== undefined ? { message: v.state.message } : {}),
        },
      };
      break;
    case 'running':
      state = { running: { startedAt: rfc3339(v.state.startedAt) } };
      break;
    case 'terminated':
      state = { terminated: terminated(v.state.termination) };
      break;
    default:
      return assertNever(v.state, 'container state');
  }
  return {
    name: v.name,
    state,
    lastState: v.lastTermination ? { terminated: terminated(v.lastTermination) } : {},
    ready: v.ready,
    restartCount: v.restartCount,
    image: v.pulled ? imageName(v.image) : v.image,
    imageID: v.pulled ? imageID(v.image) : '',
    ...(v.containerID !== undefined ? { containerID: v.containerID } : {}),
    started: v.started,
  };
}
