/**
 * agnhost (kubernetes/kubernetes test/images/agnhost): the cobra root that
 * dispatches subcommands, run under component-base `cli.Run`, so a bad flag or
 * unknown subcommand prints `Error: …` and exits 1. Simulated subcommands:
 * netexec, serve-hostname, porter, http-echo, liveness, pause. Other real
 * subcommands start but idle (logged), since their behaviour is outside netkube.
 */
import type { ImageProfile } from '../catalogue.js';
import { AGNHOST_TOOLS } from '../exec/toolset.js';
import type { App, AppContext, AppStartFailure } from '../types.js';
import { createNetexec } from './agnhost-netexec.js';
import {
  AgnhostPause,
  createAgnhostHttpEcho,
  createLiveness,
  createPorter,
  createServeHostname,
} from './agnhost-small.js';
import { startFailure } from './base.js';

/** Subcommands of agnhost 2.5x with their short help. */
const SUBCOMMANDS: ReadonlyArray<readonly [string, string]> = [
  ['audit-proxy', 'Listens on port 8080 for incoming audit events'],
  ['connect', 'Attempts a TCP, SCTP or UDP connection and returns useful errors'],
  [
    'crd-conversion-webhook',
    'Starts an HTTP server on the given port, which will handle conversion requests',
  ],
  ['dns-server-list', "Prints the host's DNS Server list."],
  ['dns-suffix', "Prints the host's DNS suffix list."],
  ['entrypoint-tester', "Prints the args it's passed and exits."],
  ['etc-hosts', "Prints the host's /etc/hosts file."],
  ['fake-gitserver', 'Fake Git server'],
  ['grpc-health-checking', 'Starts a simple grpc health checking endpoint'],
  ['guestbook', 'Creates a HTTP server with various endpoints representing a guestbook app'],
  ['http-echo', 'Echoes back the HTTP request as a JSON'],
  ['inclusterclient', 'Periodically poll the Kubernetes "/healthz" endpoint'],
  ['liveness', 'Starts a server that is alive for 10 seconds'],
  ['logs-generator', 'Outputs lines of logs to stdout uniformly'],
  ['mounttest', 'Creates files in given paths'],
  ['net', 'Creates webserver or runner for various networking tests'],
  ['netexec', 'Creates HTTP(S), UDP, and (optionally) SCTP servers with various endpoints'],
  ['nettest', 'Starts a tiny web server for checking networking connectivity'],
  ['no-snat-test', 'Creates the /checknosnat and /whoami endpoints'],
  ['no-snat-test-proxy', 'Creates a proxy for the /checknosnat endpoint'],
  ['pause', 'Pauses the execution'],
  ['port-forward-tester', 'Creates a TCP server that sends chars to clients'],
  ['porter', 'Serves requested data on ports specified in ENV variables'],
  ['resource-consumer-controller', 'Starts a HTTP server that spreads requests around resource consumers'],
  ['serve-hostname', 'Serves the hostname'],
  ['tcp-reset', 'Serves on a tcp port and RST the connections received'],
  ['test-webserver', 'Creates a test webserver.'],
  [
    'webhook',
    'Starts a HTTP server, useful for testing MutatingAdmissionWebhook and ValidatingAdmissionWebhook',
  ],
];

/** The agnhost VERSION the image tag carries (`2.39` from `agnhost:2.39`). */
function versionOf(tag: string): string {
  return /^\d+\.\d+/.exec(tag)?.[0] ?? '2.53';
}

function rootHelp(): string {
  const width = Math.max(...SUBCOMMANDS.map(([n]) => n.length), 'completion'.length, 'help'.length);
  const rows = [
    ...SUBCOMMANDS,
    ['completion', 'Generate the autocompletion script for the specified shell'],
    ['help', 'Help about any command'],
  ]
    .sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))
    .map(([n, d]) => `  ${(n ?? '').padEnd(width)} ${d}`)
    .join('\n');
  return `Usage:\n  app [command]\n\nAvailable Commands:\n${rows}\n\nFlags:\n  -h, --help      help for app\n  -v, --version   version for app\n\nUse "app [command] --help" for more information about a command.\n`;
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

function unknownCommand(name: string): string {
  const close = SUBCOMMANDS.map(([n]) => n).filter(
    (n) => levenshtein(n, name) <= 2 || n.startsWith(name.toLowerCase()),
  );
  const hint = close.length > 0 ? `\n\nDid you mean this?\n${close.map((n) => `\t${n}\n`).join('')}` : '';
  return `Error: unknown command "${name}" for "app"${hint}\n`;
}

/** Starts agnhost with argv `[/agnhost, subcommand, …flags]`. */
export function createAgnhost(ctx: AppContext, argv: readonly string[], tag: string): App | AppStartFailure {
  const [, sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h')
    return startFailure(0, rootHelp());
  if (sub === '--version' || sub === '-v') return startFailure(0, `app version ${versionOf(tag)}`);
  if (sub.startsWith('-')) return startFailure(1, `Error: unknown flag: ${sub.split('=')[0]}`);
  switch (sub) {
    case 'netexec':
      return createNetexec(ctx, rest);
    case 'serve-hostname':
      return createServeHostname(ctx, rest);
    case 'porter':
      return createPorter(ctx, rest);
    case 'http-echo':
      return createAgnhostHttpEcho(ctx, rest);
    case 'liveness':
      return createLiveness(ctx, rest);
    case 'pause':
      return new AgnhostPause(ctx, false);
    default:
      if (!SUBCOMMANDS.some(([n]) => n === sub))
        return startFailure(1, unknownCommand(sub).replace(/\n$/, ''));
      ctx.log(`netkube: agnhost ${sub} is not simulated; the container idles`);
      return new AgnhostPause(ctx, true);
  }
}

/** registry.k8s.io/e2e-test-images/agnhost (and its k8s.gcr.io / gcr.io aliases). */
export const AGNHOST_PROFILE: ImageProfile = {
  family: 'agnhost',
  matches: (ref) => ref.name === 'agnhost',
  entrypoint: ['/agnhost'],
  cmd: ['pause'],
  env: () => ({}),
  tools: AGNHOST_TOOLS,
  programs: ['/agnhost', 'agnhost', '/agnhost-2', 'agnhost-2'],
  files: () => ({ '/uploads/': { content: '', mtimeMs: 0 } }),
  start: (ctx, argv, ref) => createAgnhost(ctx, argv, ref.tag),
};
