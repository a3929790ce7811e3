/**
 * The image catalogue: which simulated program a container runs, chosen by
 * image reference, command and args, with the image's ENTRYPOINT/CMD, ENV,
 * tools and shipped files. `createApp` is the `AppFactory` for every image:
 *
 * - argv (Kubernetes rules: `command` replaces ENTRYPOINT, `args` replaces CMD)
 *   starting with the image's own program runs the image module;
 * - another program the image ships answers its cheap invocations (`php -v`)
 *   and otherwise fails saying netkube does not emulate it;
 * - a shell or a safe tool (`sh -c …`, `sleep 3600`) runs as a shell process
 *   with the image's tools;
 * - anything else fails as runc does (`exec: "x": executable file not found in
 *   $PATH`, exit 128), which the kubelet shows as a failing container.
 */

import { findCommand } from './exec/commands/index.js';
import { isShellFor } from './exec/run.js';
import type { ProgramAnswer, ToolSet } from './exec/toolset.js';
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
  /**
   * Other programs the image ships (clients, helpers: `mysql`, `php`,
   * `apache2ctl`), as bare names and paths. With `programs`, exec says they are
   * not emulated instead of "executable file not found".
   */
  readonly shipped?: readonly string[];
  /** Exact output of cheap, common invocations of the image's programs (`nginx -v`, `php -v`). */
  answer?(argv: readonly string[], ref: ImageRef): ProgramAnswer | undefined;
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

/**
 * The profile as containers of `ref` use it: its `tools` also name the image's
 * own programs (`programs`, `shipped`) and answer their cheap invocations, so
 * `kubectl exec … -- nginx -v` prints the version and `mysql -uroot` says it is
 * not emulated. The fallback's `programs` are netkube's own, not the image's.
 */
function forImage(profile: ImageProfile, ref: ImageRef): ImageProfile {
  if (profile === FALLBACK_PROFILE) return profile;
  const programs = [...profile.programs, ...(profile.shipped ?? [])];
  const answer = profile.answer;
  const tools: ToolSet = {
    ...profile.tools,
    programs,
    ...(answer ? { answer: (argv: readonly string[]) => answer(argv, ref) } : {}),
  };
  return { ...profile, tools };
}

/** The profile of an image reference (cached: every replica of a Deployment shares one result). */
export function profileFor(image: string): { readonly profile: ImageProfile; readonly ref: ImageRef } {
  const cached = resolved.get(image);
  if (cached) return cached;
  const ref = parseImageRef(image);
  const result = {
    profile: forImage(IMAGE_PROFILES.find((p) => p.matches(ref)) ?? FALLBACK_PROFILE, ref),
    ref,
  };
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

/**
 * The error for a program the image has but netkube does not run as a
 * container's process (`php -S …` in a php image): runc's shape, with the reason.
 */
export function runcNotEmulated(name: string): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${name}": not emulated by netkube (the image has it, but netkube runs only the image's own server and shell commands as a container's process): unknown`;
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
    if (own) return { profile: forImage(own, ref), ref };
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
  if (profile.tools.programs?.includes(program)) {
    const answered = profile.answer?.(argv, ref);
    if (answered)
      return startFailure(answered.exitCode, `${answered.stdout}${answered.stderr}`.replace(/\n$/, ''));
    return startFailure(128, runcNotEmulated(program));
  }
  if (basename(program) === 'pause' && ref.name === 'pause') return new PauseApp(ctx);
  const shellOk =
    isShellFor(program, profile.tools) ||
    findCommand(program, profile.tools) !== undefined ||
    (profile.tools.shell !== 'none' && plainSleepMs(argv) !== undefined);
  if (shellOk) return createShellApp(ctx, argv);
  return startFailure(128, runcNotFound(program));
}
