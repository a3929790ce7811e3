/**
 * Catalogue entry of the nginx image (`nginx`, `nginx:1.25.3-alpine`,
 * `docker.io/library/nginx:stable`…): docker-entrypoint.sh, then `nginx -g
 * 'daemon off;'`; `nginx -v`/`-t`; anything else after the entrypoint runs as
 * the shell would (`exec "$@"`). The filesystem has the html, the packaged
 * configuration and the base's /etc/os-release; `kubectl exec … -- nginx -v`
 * answers as nginx does.
 */
import type { ImageProfile } from '../catalogue.js';
import { ALPINE_CURL_TOOLS, DEBIAN_TOOLS } from '../exec/toolset.js';
import type { ImageRef } from '../image-ref.js';
import type { App, AppContext, AppStartFailure } from '../types.js';
import { startFailure } from './base.js';
import { NginxApp } from './nginx.js';
import { nginxConf, nginxDefaultConf } from './nginx-conf.js';
import { nginx50xHtml, nginxFilesTime, nginxIndexHtml, nginxVersionForTag } from './nginx-pages.js';
import { alpineOsRelease, debianOsRelease, nginxAlpineBranch, nginxDebianBase } from './os-release.js';
import { createShellApp } from './shell-app.js';

const NGINX_PROGRAMS = ['nginx', '/usr/sbin/nginx', 'nginx-debug', '/usr/sbin/nginx-debug'];

/** `nginx -v` (on stderr, as nginx prints it); anything else is not emulated in exec. */
function answerNginx(argv: readonly string[], ref: ImageRef) {
  if (!NGINX_PROGRAMS.includes(argv[0] ?? '') || argv.length !== 2 || argv[1] !== '-v') return undefined;
  return {
    stdout: '',
    stderr: `nginx version: nginx/${nginxVersionForTag(ref.tag).join('.')}\n`,
    exitCode: 0,
  };
}

/** What the image ships besides the html: os-release and the packaged configuration. */
function nginxFiles(ref: ImageRef) {
  const version = nginxVersionForTag(ref.tag);
  const alpine = ref.tag.includes('alpine');
  const mtimeMs = nginxFilesTime(version);
  return {
    '/usr/share/nginx/html/index.html': { content: nginxIndexHtml(version), mtimeMs },
    '/usr/share/nginx/html/50x.html': { content: nginx50xHtml(version), mtimeMs },
    '/etc/nginx/nginx.conf': { content: nginxConf(version, alpine), mtimeMs },
    '/etc/nginx/conf.d/default.conf': { content: nginxDefaultConf(version, alpine), mtimeMs },
    '/etc/os-release': {
      content: alpine
        ? alpineOsRelease(nginxAlpineBranch(version))
        : debianOsRelease(nginxDebianBase(version)),
      mtimeMs,
    },
  };
}

function startNginx(ctx: AppContext, argv: readonly string[], tag: string): App | AppStartFailure {
  const version = nginxVersionForTag(tag);
  let rest = argv;
  let entrypoint = false;
  if (/(^|\/)docker-entrypoint\.sh$/.test(rest[0] ?? '')) {
    entrypoint = true;
    rest = rest.slice(1);
    if (!/(^|\/)nginx(-debug)?$/.test(rest[0] ?? '')) return createShellApp(ctx, rest);
  }
  const flags = rest.slice(1);
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] ?? '';
    if (f === '-v' || f === '-V') return startFailure(0, `nginx version: nginx/${version.join('.')}`);
    if (f === '-t' || f === '-T') {
      return startFailure(
        0,
        'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful',
      );
    }
    if (f === '-g' || f === '-c' || f === '-p' || f === '-e' || f === '-s') {
      i++;
      continue;
    }
    if (f === '-q') continue;
    return startFailure(1, `nginx: invalid option: "${f.replace(/^-/, '')}"`);
  }
  return new NginxApp(ctx, version, entrypoint);
}

export const NGINX_PROFILE: ImageProfile = {
  family: 'nginx',
  matches: (ref) => ref.repository === 'library/nginx' || ref.repository === 'nginx/nginx',
  entrypoint: ['/docker-entrypoint.sh'],
  cmd: ['nginx', '-g', 'daemon off;'],
  env: (ref) => ({
    NGINX_VERSION: nginxVersionForTag(ref.tag).join('.'),
    PKG_RELEASE: ref.tag.includes('alpine') ? '1' : '1~bookworm',
  }),
  tools: DEBIAN_TOOLS,
  programs: ['/docker-entrypoint.sh', 'docker-entrypoint.sh', ...NGINX_PROGRAMS],
  shipped: ['envsubst', '/usr/bin/envsubst'],
  answer: answerNginx,
  files: nginxFiles,
  start: (ctx, argv, ref) => startNginx(ctx, argv, ref.tag),
};

/** The alpine variants ship curl and busybox. */
export const NGINX_ALPINE_PROFILE: ImageProfile = {
  ...NGINX_PROFILE,
  matches: (ref) => NGINX_PROFILE.matches(ref) && ref.tag.includes('alpine'),
  tools: ALPINE_CURL_TOOLS,
};
