/**
 * Log lines of the nginx image: docker-entrypoint.sh's configuration messages
 * (1.19+, with the scripts each release ships) and nginx's notice lines at start
 * and on SIGTERM (error_log level notice from 1.21). Pure.
 */
import { goLogTime } from '../go/format.js';
import { nginxAtLeast } from './nginx-pages.js';

const E = '/docker-entrypoint.sh';

/** What the container prints while starting. `entrypoint`: started through docker-entrypoint.sh. */
export function nginxStartupLog(version: readonly number[], entrypoint: boolean, now: number): string[] {
  const lines: string[] = [];
  if (entrypoint && nginxAtLeast(version, [1, 19, 0])) {
    lines.push(
      `${E}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration`,
      `${E}: Looking for shell scripts in /docker-entrypoint.d/`,
      `${E}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh`,
      '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
      '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    );
    if (nginxAtLeast(version, [1, 25, 0]))
      lines.push(`${E}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh`);
    lines.push(`${E}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh`);
    if (nginxAtLeast(version, [1, 21, 0]))
      lines.push(`${E}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh`);
    lines.push(`${E}: Configuration complete; ready for start up`);
  }
  if (nginxAtLeast(version, [1, 21, 0])) {
    const t = goLogTime(now);
    lines.push(
      `${t} [notice] 1#1: using the "epoll" event method`,
      `${t} [notice] 1#1: nginx/${version.join('.')}`,
      `${t} [notice] 1#1: start worker processes`,
      `${t} [notice] 1#1: start worker process 29`,
    );
  }
  return lines;
}

/** What nginx prints on SIGTERM (fast shutdown). */
export function nginxStopLog(now: number): string[] {
  const t = goLogTime(now);
  return [
    `${t} [notice] 1#1: signal 15 (SIGTERM) received, exiting`,
    `${t} [notice] 29#29: exiting`,
    `${t} [notice] 29#29: exit`,
    `${t} [notice] 1#1: signal 17 (SIGCHLD) received from 29`,
    `${t} [notice] 1#1: worker process 29 exited with code 0`,
    `${t} [notice] 1#1: exit`,
  ];
}
