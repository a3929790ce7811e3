/**
 * The httpd (Apache 2.4) image with its default configuration: `It works!`
 * from /usr/local/apache2/htdocs, `Server: Apache/<tag version> (Unix)`, no
 * server signature, the `common` access log on stdout and mpm_event's startup
 * notices (the server itself is apache.ts, shared with the php images).
 */
import type { ImageProfile } from '../catalogue.js';
import { DEBIAN_SLIM_TOOLS } from '../exec/toolset.js';
import { type ImageRef, tagVersion } from '../image-ref.js';
import type { AppContext } from '../types.js';
import { ApacheApp } from './apache.js';
import { createShellApp } from './shell-app.js';

const DOCROOT = '/usr/local/apache2/htdocs';
/** The image's index.html and its mtime (Mon, 11 Jun 2007 18:53:14 GMT). */
const INDEX = '<html><body><h1>It works!</h1></body></html>\n';
const INDEX_MTIME = 1181587994000;
const FILES = { [`${DOCROOT}/index.html`]: { content: INDEX, mtimeMs: INDEX_MTIME } };

/** The httpd version of a tag (`2.4.58` → 2.4.58; anything else → the latest, 2.4.63). */
function httpdVersion(ref: ImageRef): string {
  const v = tagVersion(ref.tag);
  return v.length === 3 ? v.join('.') : '2.4.63';
}

/** A running httpd of `version`. */
export function createHttpd(ctx: AppContext, version: string): ApacheApp {
  const banner = `Apache/${version} (Unix)`;
  return new ApacheApp(ctx, {
    banner,
    description: banner,
    binary: 'httpd',
    mpm: 'event',
    docroot: DOCROOT,
    directoryIndex: ['index.html'],
    forbidIndexes: false,
    signature: false,
    admin: 'you@example.com',
    accessLog: 'common',
    deflate: false,
    stopSignal: 'SIGTERM',
    seed: FILES,
  });
}

const PROGRAMS = ['httpd-foreground', 'httpd', '/usr/local/apache2/bin/httpd'];

/** `httpd -v` / `apachectl -v`: the version line and the build time of the image's own build. */
function answerHttpd(argv: readonly string[], ref: ImageRef) {
  const base = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  if (!['httpd', 'apachectl'].includes(base) || argv.length !== 2 || argv[1] !== '-v') return undefined;
  return {
    stdout: `Server version: Apache/${httpdVersion(ref)} (Unix)\nServer built:   Jan 23 2025 20:02:56\n`,
    stderr: '',
    exitCode: 0,
  };
}

/** `httpd:2.4` (latest 2.4.63). */
export const HTTPD_PROFILE: ImageProfile = {
  family: 'httpd',
  matches: (ref) => ref.repository === 'library/httpd',
  entrypoint: [],
  cmd: ['httpd-foreground'],
  env: () => ({ HTTPD_PREFIX: '/usr/local/apache2' }),
  tools: DEBIAN_SLIM_TOOLS,
  programs: PROGRAMS,
  shipped: ['apachectl', '/usr/local/apache2/bin/apachectl', 'htpasswd', '/usr/local/apache2/bin/htpasswd'],
  answer: answerHttpd,
  files: () => FILES,
  start: (ctx, argv, ref) => {
    if (argv[0] === 'httpd' && argv[1] === '-v') {
      const answer = answerHttpd(argv, ref);
      return { kind: 'start-failure', exitCode: 0, message: answer?.stdout.trimEnd() ?? '' };
    }
    return argv[0] === 'httpd-foreground' || argv[0] === 'httpd' || argv[0]?.endsWith('/httpd')
      ? createHttpd(ctx, httpdVersion(ref))
      : createShellApp(ctx, argv);
  },
};
