import { describe, expect, it } from 'vitest';
import { profileFor } from '../catalogue.js';
import { container, testCluster } from '../testing/cluster.js';
import { normaliseDate } from '../testing/fake-context.js';

function php(image = 'php:8.2-apache') {
  const c = testCluster();
  const started = c.startPod({
    name: 'php-test-1',
    ip: '10.244.1.5',
    containers: [container('php', image, { ports: [{ containerPort: 80 }] })],
  });
  const exec = (command: string[]) => c.runtime.exec({ namespace: 'default', pod: 'php-test-1', command });
  // The client's ephemeral port varies with the tests run before.
  const log = () =>
    c.logs
      .read('default/php-test-1/php')
      .replace(/\[client 10\.244\.0\.7:\d+\]/g, '[client 10.244.0.7:PORT]');
  return { ...c, started, exec, log };
}

const FORBIDDEN =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>403 Forbidden</title>\n</head><body>\n' +
  "<h1>Forbidden</h1>\n<p>You don't have permission to access this resource.</p>\n<hr>\n" +
  '<address>Apache/2.4.68 (Debian) Server at 10.244.1.5 Port 80</address>\n</body></html>\n';

describe('php:*-apache (Debian apache2 with mod_php)', () => {
  it('is simulated, not the fallback', () => {
    expect(profileFor('php:8.2-apache').profile.family).toBe('php');
    expect(profileFor('php:8.2-fpm').profile.family).toBe('fallback');
  });

  it('GET / is Apache 403 (empty /var/www/html, DirectoryIndex index.php index.html, Options -Indexes)', async () => {
    const c = php();
    expect(normaliseDate(await c.get('10.244.1.5', 80))).toBe(
      'HTTP/1.1 403 Forbidden\r\nDate: <date>\r\nServer: Apache/2.4.68 (Debian)\r\nContent-Length: 275\r\n' +
        `Content-Type: text/html; charset=iso-8859-1\r\n\r\n${FORBIDDEN}`,
    );
    expect(c.log()).toBe(
      "AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using 10.244.1.5. Set the 'ServerName' directive globally to suppress this message\n".repeat(
        2,
      ) +
        '[Fri Jan 02 03:04:05.000000 2026] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.68 (Debian) PHP/8.2.34 configured -- resuming normal operations\n' +
        "[Fri Jan 02 03:04:05.000000 2026] [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'\n" +
        '[Fri Jan 02 03:04:05.000000 2026] [autoindex:error] [pid 16] [client 10.244.0.7:PORT] AH01276: Cannot serve directory /var/www/html/: No matching DirectoryIndex (index.php,index.html) found, and server-generated directory index forbidden by Options directive\n' +
        // %O counts the 161 bytes of headers too.
        '10.244.0.7 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 403 436 "-" "curl/8.5.0"\n',
    );
  });

  it('names the host and port the client asked for in the signature (UseCanonicalName Off)', async () => {
    const c = php();
    const res = await c.request(
      '10.244.1.5',
      80,
      'GET /nope.html HTTP/1.1\r\nHost: php-test-1.default.svc:8000\r\nUser-Agent: curl/8.5.0\r\n\r\n',
    );
    expect(res.raw.toString()).toContain(
      '<p>The requested URL was not found on this server.</p>\n<hr>\n<address>Apache/2.4.68 (Debian) Server at php-test-1.default.svc Port 8000</address>\n',
    );
  });

  it('a missing index.php is 404 with mod_php’s error line', async () => {
    const c = php();
    const raw = normaliseDate(await c.get('10.244.1.5', 80, '/index.php'));
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
    expect(raw).toContain('Content-Length: 272\r\n');
    expect(c.log()).toContain(
      "[php:error] [pid 16] [client 10.244.0.7:PORT] script '/var/www/html/index.php' not found or unable to stat\n",
    );
  });

  it('serves what exec wrote, with mod_deflate’s Vary; a PHP script is 500 since netkube runs no PHP', async () => {
    const c = php();
    expect((await c.exec(['sh', '-c', 'echo hello > /var/www/html/index.html'])).exitCode).toBe(0);
    const raw = normaliseDate(await c.get('10.244.1.5', 80));
    expect(raw).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nServer: Apache/2.4.68 (Debian)\r\nLast-Modified: Fri, 02 Jan 2026 03:04:05 GMT\r\n' +
        'ETag: "6-6475ef64cf340"\r\nAccept-Ranges: bytes\r\nContent-Length: 6\r\nVary: Accept-Encoding\r\nContent-Type: text/html\r\n\r\nhello\n',
    );
    await c.exec(['sh', '-c', 'echo "<?php phpinfo();" > /var/www/html/index.php']);
    expect((await c.get('10.244.1.5', 80)).split('\r\n')[0]).toBe('HTTP/1.1 500 Internal Server Error');
    expect(c.log()).toContain('netkube runs no PHP');
  });

  it('answers Keep-Alive to a client that asks for it', async () => {
    const c = php();
    const res = await c.request(
      '10.244.1.5',
      80,
      'GET / HTTP/1.1\r\nHost: 10.244.1.5\r\nConnection: keep-alive\r\n\r\n',
    );
    expect(res.raw.toString()).toContain(
      'Content-Length: 275\r\nKeep-Alive: timeout=5, max=99\r\nConnection: Keep-Alive\r\nContent-Type: text/html; charset=iso-8859-1\r\n',
    );
  });

  it('stops gracefully on the image’s STOPSIGNAL (SIGWINCH)', async () => {
    const c = php();
    c.started.containers[0]?.terminate(30_000);
    await c.settle();
    expect(c.started.exits).toEqual([['php', 0, 'Completed']]);
    expect(c.log()).toContain(
      '[mpm_prefork:notice] [pid 1] AH00170: caught SIGWINCH, shutting down gracefully\n',
    );
  });

  it('in-pod: php -v, apache2 -v, os-release and docker-php.conf; other php uses are not emulated', async () => {
    const c = php();
    expect((await c.exec(['php', '-v'])).stdout).toBe(
      'PHP 8.2.34 (cli) (built: Sep 24 2026 18:58:45) (NTS)\nCopyright (c) The PHP Group\n' +
        'Zend Engine v4.2.34, Copyright (c) Zend Technologies\n    with Zend OPcache v8.2.34, Copyright (c), by Zend Technologies\n',
    );
    expect((await c.exec(['apache2', '-v'])).stdout).toBe(
      'Server version: Apache/2.4.68 (Debian)\nServer built:   2026-07-21T08:33:17\n',
    );
    expect((await c.exec(['cat', '/etc/os-release'])).stdout).toContain(
      'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\n',
    );
    expect((await c.exec(['cat', '/etc/apache2/conf-available/docker-php.conf'])).stdout).toContain(
      'DirectoryIndex index.php index.html\n\n<Directory /var/www/>\n\tOptions -Indexes\n',
    );
    const r = await c.exec(['php', '-r', 'echo 1;']);
    expect(r.exitCode).toBe(126);
    expect(r.stderr).toMatch(/exec: "php": not emulated by netkube \(the image has it/);
    expect((await c.exec(['bash', '-c', 'echo $0'])).stdout).toBe('bash\n');
  });

  it('a bookworm tag runs on Debian 12; php:8.4 prints its "Built by" line', async () => {
    const c = php('php:8.4-apache-bookworm');
    expect((await c.exec(['cat', '/etc/os-release'])).stdout).toContain('VERSION_CODENAME=bookworm\n');
    expect((await c.exec(['php', '--version'])).stdout).toContain(
      'Copyright (c) The PHP Group\nBuilt by https://github.com/docker-library/php\nZend Engine v4.4.26',
    );
  });

  it('as the container command: php -v exits 0 with its version, php -S is not emulated', async () => {
    const c = testCluster();
    const a = c.startPod({
      name: 'a',
      ip: '10.244.1.6',
      containers: [container('c', 'php:8.2-apache', { command: ['php', '-v'] })],
    });
    const b = c.startPod({
      name: 'b',
      ip: '10.244.1.7',
      containers: [container('c', 'php:8.2-apache', { command: ['php', '-S', '0.0.0.0:8000'] })],
    });
    await c.settle();
    expect(a.exits).toEqual([['c', 0, 'Completed']]);
    expect(c.logs.read('default/a/c')).toContain('PHP 8.2.34 (cli)');
    expect(b.exits).toEqual([['c', 128, 'Error']]);
    expect(c.logs.read('default/b/c')).toContain('exec: "php": not emulated by netkube');
  });
});
