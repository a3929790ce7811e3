/**
 * Every image profile netkube knows, most specific first. Unknown images fall
 * back to `FALLBACK_PROFILE` (catalogue.ts).
 */
import type { ImageProfile } from '../catalogue.js';
import {
  ALPINE_CURL_TOOLS,
  ALPINE_TOOLS,
  BUSYBOX_TOOLS,
  NETSHOOT_TOOLS,
  NO_TOOLS,
  UBUNTU_TOOLS,
} from '../exec/toolset.js';
import { AGNHOST_PROFILE } from './agnhost.js';
import { createServeHostname } from './agnhost-small.js';
import { HTTP_ECHO_PROFILE } from './http-echo.js';
import { HTTPD_PROFILE } from './httpd.js';
import { MYSQL_PROFILE } from './mysql.js';
import { NGINX_ALPINE_PROFILE, NGINX_PROFILE } from './nginx-profile.js';
import { PHP_APACHE_PROFILE } from './php.js';
import { REDIS_PROFILE } from './redis.js';
import { createShellApp, PauseApp } from './shell-app.js';
import { createWhoami } from './whoami.js';

/** traefik/whoami (and its former containous/ name): a scratch image. */
const WHOAMI_PROFILE: ImageProfile = {
  family: 'whoami',
  matches: (ref) => ref.repository === 'traefik/whoami' || ref.repository === 'containous/whoami',
  entrypoint: ['/whoami'],
  cmd: [],
  env: () => ({}),
  tools: NO_TOOLS,
  programs: ['/whoami'],
  start: (ctx, argv) => createWhoami(ctx, argv.slice(1)),
};

/** The pre-agnhost serve_hostname image (same flags as `agnhost serve-hostname`). */
const SERVE_HOSTNAME_PROFILE: ImageProfile = {
  family: 'serve_hostname',
  matches: (ref) => ref.name === 'serve_hostname' || ref.name === 'serve-hostname',
  entrypoint: ['/serve_hostname'],
  cmd: [],
  env: () => ({}),
  tools: NO_TOOLS,
  programs: ['/serve_hostname', 'serve_hostname'],
  start: (ctx, argv) => createServeHostname(ctx, argv.slice(1)),
};

/** registry.k8s.io/pause. */
const PAUSE_PROFILE: ImageProfile = {
  family: 'pause',
  matches: (ref) => ref.name === 'pause',
  entrypoint: ['/pause'],
  cmd: [],
  env: () => ({}),
  tools: NO_TOOLS,
  programs: ['/pause'],
  start: (ctx) => new PauseApp(ctx),
};

/** Images whose process is a shell or a tool: busybox, alpine, ubuntu, curl, netshoot. */
function shellImage(
  family: string,
  repositories: readonly string[],
  cmd: readonly string[],
  tools: ImageProfile['tools'],
  entrypoint: readonly string[] = [],
): ImageProfile {
  return {
    family,
    matches: (ref) => repositories.includes(ref.repository) || repositories.includes(ref.name),
    entrypoint,
    cmd,
    env: () => ({}),
    tools,
    programs: [],
    start: (ctx, argv) => createShellApp(ctx, argv),
  };
}

export const IMAGE_PROFILES: readonly ImageProfile[] = [
  AGNHOST_PROFILE,
  WHOAMI_PROFILE,
  HTTP_ECHO_PROFILE,
  NGINX_ALPINE_PROFILE,
  NGINX_PROFILE,
  HTTPD_PROFILE,
  PHP_APACHE_PROFILE,
  REDIS_PROFILE,
  MYSQL_PROFILE,
  SERVE_HOSTNAME_PROFILE,
  PAUSE_PROFILE,
  shellImage('busybox', ['library/busybox', 'busybox'], ['sh'], BUSYBOX_TOOLS),
  shellImage('alpine', ['library/alpine'], ['/bin/sh'], ALPINE_TOOLS),
  shellImage('ubuntu', ['library/ubuntu', 'library/debian'], ['bash'], UBUNTU_TOOLS),
  shellImage('curl', ['curlimages/curl'], [], ALPINE_CURL_TOOLS, ['curl']),
  shellImage('netshoot', ['nicolaka/netshoot'], ['zsh'], NETSHOOT_TOOLS),
];
