/**
 * The catalogue entry of `registry.k8s.io/ingress-nginx/controller`: how the
 * image's entrypoint (`/usr/bin/dumb-init -- /nginx-ingress-controller`) and
 * the Deployment's args become an `IngressControllerApp`. The emulator adds
 * it to the image catalogue with the live cluster view it builds from its
 * ObjectStore.
 */
import type { ImageProfile, ToolSet } from '../../workloads/index.js';
import type { AppContext, AppStartFailure } from '../../workloads/types.js';
import { fakeCertificate, type PemPair } from '../certs.js';
import { DEFAULT_CLASS_OPTIONS } from '../ingress-class.js';
import type { MatchMode, RouteTable } from '../types.js';
import { IngressControllerApp } from './app.js';
import type { IngressClusterView } from './cluster-view.js';
import type { FrontLimits } from './http-front.js';

/** What the controller needs from the emulator. */
export interface IngressControllerDeps {
  /** The live, read-only view of Ingresses, classes, Services, EndpointSlices and Secrets. */
  readonly view: IngressClusterView;
  /** @default 'ingress-nginx' */
  readonly mode?: MatchMode;
  /** The default certificate; one is generated per process when omitted. */
  readonly defaultCertificate?: Promise<PemPair>;
  readonly limits?: Partial<FrontLimits>;
  /** Called after every route compile of every controller pod. */
  readonly onCompiled?: (table: RouteTable) => void;
}

/** The controller image: alpine with bash, curl and busybox. */
const CONTROLLER_TOOLS: ToolSet = {
  shell: 'ash',
  utils: 'busybox',
  nslookup: 'busybox',
  dig: false,
  nc: 'busybox',
  curl: true,
  wget: 'busybox',
  ip: true,
  bash: true,
};

const BOOL_FLAGS = new Set(['watch-ingress-without-class', 'enable-ssl-passthrough', 'update-status', 'v']);
const VALUE_FLAGS = new Set([
  'controller-class',
  'ingress-class',
  'publish-service',
  'publish-status-address',
  'election-id',
  'http-port',
  'https-port',
  'healthz-port',
  'default-ssl-certificate',
  'configmap',
  'tcp-services-configmap',
  'udp-services-configmap',
  'validating-webhook',
  'validating-webhook-certificate',
  'validating-webhook-key',
  'watch-namespace',
  'default-backend-service',
  'enable-metrics',
  'annotations-prefix',
]);

/** Parses pflag-style `--name=value`, `--name value` and boolean flags. */
export function parseControllerFlags(args: readonly string[]): Map<string, string> | AppStartFailure {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const m = /^--?([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m) continue;
    const name = m[1] as string;
    if (BOOL_FLAGS.has(name)) flags.set(name, m[2] ?? 'true');
    else if (VALUE_FLAGS.has(name)) flags.set(name, m[2] ?? args[++i] ?? '');
    else return { kind: 'start-failure', exitCode: 2, message: `Error: unknown flag: --${name}` };
  }
  return flags;
}

let sharedFakeCertificate: Promise<PemPair> | undefined;

function port(flags: Map<string, string>, name: string, def: number): number {
  const v = Number(flags.get(name) ?? def);
  return Number.isInteger(v) && v > 0 && v < 65536 ? v : def;
}

function startController(
  deps: IngressControllerDeps,
  ctx: AppContext,
  argv: readonly string[],
  version: string,
): IngressControllerApp | AppStartFailure {
  let args = argv;
  if (/(^|\/)dumb-init$/.test(args[0] ?? '')) args = args.slice(args[1] === '--' ? 2 : 1);
  const flags = parseControllerFlags(args.slice(1));
  if (!(flags instanceof Map)) return flags;
  sharedFakeCertificate ??= fakeCertificate(ctx.clock.now());
  return new IngressControllerApp(ctx, {
    view: deps.view,
    ...(deps.mode ? { mode: deps.mode } : {}),
    classes: {
      controllerClass: flags.get('controller-class') ?? DEFAULT_CLASS_OPTIONS.controllerClass,
      ingressClass: flags.get('ingress-class') ?? DEFAULT_CLASS_OPTIONS.ingressClass,
      watchWithoutClass: flags.get('watch-ingress-without-class') === 'true',
    },
    httpPort: port(flags, 'http-port', 80),
    httpsPort: port(flags, 'https-port', 443),
    healthzPort: port(flags, 'healthz-port', 10254),
    defaultCertificate: deps.defaultCertificate ?? sharedFakeCertificate,
    ...(deps.limits ? { limits: deps.limits } : {}),
    version,
    ...(deps.onCompiled ? { onCompiled: deps.onCompiled } : {}),
  });
}

/**
 * The image profile of `registry.k8s.io/ingress-nginx/controller` (any tag),
 * bound to the cluster view in `deps`.
 */
export function ingressControllerProfile(deps: IngressControllerDeps): ImageProfile {
  return {
    family: 'ingress-nginx',
    matches: (ref) => ref.repository === 'ingress-nginx/controller',
    entrypoint: ['/usr/bin/dumb-init', '--'],
    cmd: ['/nginx-ingress-controller'],
    env: () => ({}),
    tools: CONTROLLER_TOOLS,
    programs: ['/usr/bin/dumb-init', 'dumb-init', '/nginx-ingress-controller', 'nginx-ingress-controller'],
    start: (ctx, argv, ref) =>
      startController(deps, ctx, argv, ref.tag.startsWith('v') ? ref.tag : `v${ref.tag}`),
  };
}
