/**
 * The image catalogue: which simulated program a container runs, chosen by
 * image reference, command and args, with the image's ENTRYPOINT/CMD, ENV,
 * tools and shipped files. `createApp` is the `AppFactory` for every image:
 *
 * - argv (Kubernetes rules: `command` replaces ENTRYPOINT, `args` replaces CMD)
 *   starting with the image's own program runs the image module;
 * - a shell or a safe tool (`sh -c …`, `sleep 3600`) runs as a shell process
 *   with the image's tools;
 * - anything else fails as runc does (`exec: "x": executable file not found in
 *   $PATH`, exit 128), which the kubelet shows as a failing container.
 */

import { findCommand } from './exec/commands/index.js';
import { isShellFor } from './exec/run.js';
import type { ToolSet } from './exec/toolset.js';
import type { SeedFile } from './exec/vfs.js';
import { type ImageRef, parseImageRef } from './image-ref.js';
import { startFailure } from './images/base.js';
import { FallbackApp } from './images/fallback.js';
import { IMAGE_PROFILES } from './images/profiles.js';
import { createShellApp, PauseApp, plainSleepMs } from './images/shell-app.js';
import type { App, AppContext, AppStartFailure } from './types.js';

/** What netkube knows about an image. */
export interface ImageProfile {
  /** Short family name (`nginx`, `agnhost`, `fallback`). */
  readonly family: string;
  /** Whether the profile applies to this reference. */
  matches(ref: ImageRef): boolean;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** The image's ENV (PATH excluded). */
  env(ref: ImageRef): Readonly<Record<string, string>>;
  readonly tools: ToolSet;
  /** argv[0] values that run the image's own program (paths or bare names). */
  readonly programs: readonly string[];
  /** Files the image ships, for the container's filesystem. */
  files?(ref: ImageRef): Readonly<Record<string, SeedFile>>;
  /** Starts the program; `argv[0]` is one of `programs`. */
  start(ctx: AppContext, argv: readonly string[], ref: ImageRef): App | AppStartFailure;
}

/** The fallback for unknown images. */
export const FALLBACK_PROFILE: ImageProfile = {
  family: 'fallback',
  matches: () => true,
  entrypoint: [],
  cmd: ['fallback'],
  env: () => ({}),
  tools: {
    shell: 'dash',
    utils: 'gnu',
    nslookup: undefined,
    dig: false,
    nc: undefined,
    curl: true,
    wget: undefined,
    ip: false,
  },
  programs: ['fallback'],
  start: (ctx) => new FallbackApp(ctx),
};

const resolved = new Map<string, { readonly profile: ImageProfile; readonly ref: ImageRef }>();

/** The profile of an image reference (cached: every replica of a Deployment shares one result). */
export function profileFor(image: string): { readonly profile: ImageProfile; readonly ref: ImageRef } {
  const cached = resolved.get(image);
  if (cached) return cached;
  const ref = parseImageRef(image);
  const result = { profile: IMAGE_PROFILES.find((p) => p.matches(ref)) ?? FALLBACK_PROFILE, ref };
  if (resolved.size >= 4096) resolved.clear();
  resolved.set(image, result);
  return result;
}

/** The process argv Kubernetes gives the container (`command`/`args` over ENTRYPOINT/CMD). */
export function effectiveArgv(
  profile: ImageProfile,
  command: readonly string[],
  args: readonly string[],
): string[] {
  if (command.length > 0) return [...command, ...args];
  return [...profile.entrypoint, ...(args.length > 0 ? args : profile.cmd)];
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The error runc reports when argv[0] does not exist in the image. */
export function runcNotFound(name: string): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown`;
}

/** `AppFactory` for any image. */
export function createApp(ctx: AppContext): App | AppStartFailure {
  return startProfile(ctx, profileFor(ctx.container.image));
}

/**
 * An `AppFactory` that knows extra images ahead of the catalogue: the
 * composition root builds profiles for images that need the cluster (CoreDNS
 * reads Services, the ingress controller reads Ingresses) and gives each
 * emulator's runtime its own factory, so clusters in one process never mix.
 */
export function createAppFactory(extra: readonly ImageProfile[]): ProfiledAppFactory {
  const factory = (ctx: AppContext) => startProfile(ctx, resolveProfile(ctx.container.image, extra));
  return Object.assign(factory, { profiles: extra });
}

/** An `AppFactory` that also says which extra profiles it knows (the runtime uses them for tools, env, files). */
export type ProfiledAppFactory = ((ctx: AppContext) => App | AppStartFailure) & {
  readonly profiles: readonly ImageProfile[];
};

/** The profile for `image`, looking at `extra` profiles before the catalogue. */
export function resolveProfile(
  image: string,
  extra: readonly ImageProfile[] = [],
): { readonly profile: ImageProfile; readonly ref: ImageRef } {
  if (extra.length > 0) {
    const ref = parseImageRef(image);
    const own = extra.find((p) => p.matches(ref));
    if (own) return { profile: own, ref };
  }
  return profileFor(image);
}

function startProfile(
  ctx: AppContext,
  resolved: { readonly profile: ImageProfile; readonly ref: ImageRef },
): App | AppStartFailure {
  const { profile, ref } = resolved;
  const argv = effectiveArgv(profile, ctx.container.command, ctx.container.args);
  const program = argv[0];
  if (program === undefined)
    return startFailure(128, 'failed to create containerd task: no command specified');
  if (profile.programs.includes(program) || profile.programs.includes(basename(program))) {
    return profile.start(ctx, argv, ref);
  }
  if (basename(program) === 'pause' && ref.name === 'pause') return new PauseApp(ctx);
  const shellOk =
    isShellFor(program, profile.tools) ||
    findCommand(program, profile.tools) !== undefined ||
    (profile.tools.shell !== 'none' && plainSleepMs(argv) !== undefined);
  if (shellOk) return createShellApp(ctx, argv);
  return startFailure(128, runcNotFound(program));
}
