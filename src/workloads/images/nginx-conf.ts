/**
 * The configuration files the nginx image ships (nginx.org's packages,
 * pkg-oss `debian/nginx.conf` and `nginx.default.conf`), per version:
 * `worker_processes auto` and error_log level `notice` from 1.20.0 (Alpine
 * packages had `auto` already), no `#charset koi8-r;` from 1.20.0, `/run/nginx.pid`
 * from 1.27.5. From 1.19.0 the image's entrypoint adds `listen  [::]:80;` to
 * default.conf when the container starts (10-listen-on-ipv6-by-default.sh),
 * so a running container shows that line. Pure.
 */
import { versionAtLeast } from '../image-ref.js';

/** `/etc/nginx/nginx.conf` of nginx `version` (`alpine`: the Alpine variant). */
export function nginxConf(version: readonly number[], alpine: boolean): string {
  const modern = versionAtLeast(version, [1, 20, 0]);
  const workers = modern || (alpine && versionAtLeast(version, [1, 16, 0])) ? 'auto' : '1';
  const pid = versionAtLeast(version, [1, 27, 5]) ? '/run/nginx.pid' : '/var/run/nginx.pid';
  return (
    `\nuser  nginx;\nworker_processes  ${workers};\n\n` +
    `error_log  /var/log/nginx/error.log ${modern ? 'notice' : 'warn'};\npid        ${pid};\n\n\n` +
    'events {\n    worker_connections  1024;\n}\n\n\n' +
    'http {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n\n' +
    `    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '\n` +
    `                      '$status $body_bytes_sent "$http_referer" '\n` +
    `                      '"$http_user_agent" "$http_x_forwarded_for"';\n\n` +
    '    access_log  /var/log/nginx/access.log  main;\n\n    sendfile        on;\n    #tcp_nopush     on;\n\n' +
    '    keepalive_timeout  65;\n\n    #gzip  on;\n\n    include /etc/nginx/conf.d/*.conf;\n}\n'
  );
}

/** `/etc/nginx/conf.d/default.conf` of a running nginx `version` container (`alpine`: the Alpine variant). */
export function nginxDefaultConf(version: readonly number[], alpine: boolean): string {
  const ipv6 = versionAtLeast(version, [1, 19, 0]) ? '    listen  [::]:80;\n' : '';
  const charset = versionAtLeast(version, [1, 20, 0]) ? '' : '    #charset koi8-r;\n';
  // The Alpine images before 1.16 were built from source with docker-nginx's own copy, typo included.
  const hostLog = alpine && !versionAtLeast(version, [1, 16, 0]) ? 'log/host.access.log' : 'host.access.log';
  return (
    `server {\n    listen       80;\n${ipv6}    server_name  localhost;\n\n${charset}` +
    `    #access_log  /var/log/nginx/${hostLog}  main;\n\n` +
    '    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n' +
    '    #error_page  404              /404.html;\n\n' +
    '    # redirect server error pages to the static page /50x.html\n    #\n' +
    '    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n\n' +
    '    # proxy the PHP scripts to Apache listening on 127.0.0.1:80\n    #\n' +
    '    #location ~ \\.php$ {\n    #    proxy_pass   http://127.0.0.1;\n    #}\n\n' +
    '    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000\n    #\n' +
    '    #location ~ \\.php$ {\n    #    root           html;\n    #    fastcgi_pass   127.0.0.1:9000;\n' +
    '    #    fastcgi_index  index.php;\n    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;\n' +
    '    #    include        fastcgi_params;\n    #}\n\n' +
    "    # deny access to .htaccess files, if Apache's document root\n    # concurs with nginx's one\n    #\n" +
    '    #location ~ /\\.ht {\n    #    deny  all;\n    #}\n}\n\n'
  );
}
