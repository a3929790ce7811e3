/**
 * The `php:*-apache` images (docker-library/php): Debian's apache2 with mod_php,
 * started by docker-php-entrypoint and apache2-foreground (`apache2 -D
 * FOREGROUND`), an empty /var/www/html, docker-php.conf's `DirectoryIndex
 * index.php index.html` and `Options -Indexes`. So `GET /` is Apache's 403 and
 * any missing file its 404, with `Server: Apache/2.4.68 (Debian)`, the server
 * signature and the combined access log on stdout. The other php variants
 * (cli, fpm, zts) are not simulated and fall back to the generic app.
 *
 * Versions are those of the images' latest builds netkube knows (September
 * 2026): the tag's PHP minor gives the PHP release, and Apache is the apache2
 * package of the Debian release the tag is built on.
 */
import type { ImageProfile } from '../catalogue.js';
import { DEBIAN_TOOLS } from '../exec/toolset.js';
import type { ImageRef } from '../image-ref.js';
import type { App, AppContext, AppStartFailure } from '../types.js';
import { ApacheApp } from './apache.js';
import { startFailure } from './base.js';
import { type DebianCodename, debianOsRelease } from './os-release.js';
import { createShellApp } from './shell-app.js';

const DOCROOT = '/var/www/html';

/** A PHP minor's latest image: PHP release, its build time, and the Apache of its Debian base. */
interface PhpRelease {
  readonly php: string;
  /** `__DATE__ __TIME__` of the image's PHP build (`php -v`); representative, it moves with rebuilds. */
  readonly built: string;
  readonly apache: string;
}

const RELEASES: Readonly<Record<string, PhpRelease>> = {
  '8.1': { php: '8.1.34', built: 'Dec 19 2025 23:41:07', apache: '2.4.66' },
  '8.2': { php: '8.2.34', built: 'Sep 24 2026 18:58:45', apache: '2.4.68' },
  '8.3': { php: '8.3.35', built: 'Sep 24 2026 19:05:12', apache: '2.4.68' },
  '8.4': { php: '8.4.26', built: 'Sep 24 2026 19:12:02', apache: '2.4.68' },
  '8.5': { php: '8.5.11', built: 'Sep 24 2026 19:18:40', apache: '2.4.68' },
};
/** `php:apache` (no version in the tag) is the newest stable minor. */
const LATEST_MINOR = '8.5';
/** `apache2 -v`'s `Server built:` of Debian's package (its changelog date); representative. */
const APACHE_BUILT: Readonly<Record<string, string>> = {
  '2.4.66': '2025-12-08T10:41:22',
  '2.4.68': '2026-07-21T08:33:17',
};

/** The PHP and Apache a tag runs (`8.2-apache` → 8.2.34 on 2.4.68; `8.2.10-apache` → 8.2.10). */
export function phpRelease(tag: string): PhpRelease & { readonly minor: string } {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
  const minor = m ? `${m[1]}.${m[2]}` : LATEST_MINOR;
  const known = RELEASES[minor] ?? (RELEASES[LATEST_MINOR] as PhpRelease);
  const php = m?.[3] !== undefined ? `${minor}.${m[3]}` : (RELEASES[minor]?.php ?? `${minor}.0`);
  return { ...known, php, minor };
}

function debianOf(tag: string): DebianCodename {
  return tag.includes('bookworm') ? 'bookworm' : tag.includes('bullseye') ? 'bullseye' : 'trixie';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `php -v` as the image's CLI prints it (OPcache enabled since mid-2025, "Built by" from 8.4). */
export function phpVersionText(tag: string): string | undefined {
  const r = phpRelease(tag);
  const [major, minor] = r.minor.split('.').map(Number);
  if (major !== 8 || minor === undefined || minor < 1) return undefined;
  const patch = r.php.split('.')[2] ?? '0';
  return (
    `PHP ${r.php} (cli) (built: ${r.built}) (NTS)\nCopyright (c) The PHP Group\n` +
    (minor >= 4 ? 'Built by https://github.com/docker-library/php\n' : '') +
    `Zend Engine v4.${minor}.${patch}, Copyright (c) Zend Technologies\n` +
    `    with Zend OPcache v${r.php}, Copyright (c), by Zend Technologies\n`
  );
}

/** The exact answers: `php -v`/`--version`, `apache2 -v` (and through apache2ctl/apachectl). */
function answerPhp(argv: readonly string[], ref: ImageRef) {
  const base = baseName(argv[0] ?? '');
  const flag = argv[1];
  if (argv.length !== 2) return undefined;
  if (base === 'php' && (flag === '-v' || flag === '--version')) {
    const text = phpVersionText(ref.tag);
    return text === undefined ? undefined : { stdout: text, stderr: '', exitCode: 0 };
  }
  if (['apache2', 'apache2ctl', 'apachectl'].includes(base) && flag === '-v') {
    const apache = phpRelease(ref.tag).apache;
    const built = APACHE_BUILT[apache];
    if (built === undefined) return undefined;
    return {
      stdout: `Server version: Apache/${apache} (Debian)\nServer built:   ${built}\n`,
      stderr: '',
      exitCode: 0,
    };
  }
  return undefined;
}

/** docker-php.conf, as the Dockerfile writes it (a2enconf'd). */
const DOCKER_PHP_CONF =
  '<FilesMatch \\.php$>\n\tSetHandler application/x-httpd-php\n</FilesMatch>\n\nDirectoryIndex disabled\n' +
  'DirectoryIndex index.php index.html\n\n<Directory /var/www/>\n\tOptions -Indexes\n\tAllowOverride All\n</Directory>\n';

function phpFiles(ref: ImageRef) {
  const mtimeMs = Date.UTC(2026, 8, 24);
  return {
    '/etc/os-release': { content: debianOsRelease(debianOf(ref.tag)), mtimeMs },
    [`${DOCROOT}/`]: { content: '', mtimeMs },
    '/etc/apache2/conf-available/docker-php.conf': { content: DOCKER_PHP_CONF, mtimeMs },
  };
}

/** Apache with mod_php, as apache2-foreground runs it. */
export function createPhpApache(ctx: AppContext, ref: ImageRef): ApacheApp {
  const r = phpRelease(ref.tag);
  const banner = `Apache/${r.apache} (Debian)`;
  return new ApacheApp(ctx, {
    banner,
    description: `${banner} PHP/${r.php}`,
    binary: 'apache2',
    mpm: 'prefork',
    docroot: DOCROOT,
    directoryIndex: ['index.php', 'index.html'],
    forbidIndexes: true,
    signature: true,
    admin: 'webmaster@localhost',
    accessLog: 'combined',
    deflate: true,
    php: r.php,
    stopSignal: 'SIGWINCH',
    seed: phpFiles(ref),
  });
}

function startPhp(ctx: AppContext, argv: readonly string[], ref: ImageRef): App | AppStartFailure {
  let rest = argv;
  if (baseName(rest[0] ?? '') === 'docker-php-entrypoint') {
    rest = rest.slice(1);
    // "first arg is `-f` or `--some-option`"
    if ((rest[0] ?? '').startsWith('-')) rest = ['apache2-foreground', ...rest];
  }
  const answer = answerPhp(rest, ref);
  if (answer) return startFailure(answer.exitCode, answer.stdout.trimEnd());
  const program = baseName(rest[0] ?? '');
  if (program === 'apache2-foreground' || (program === 'apache2' && rest.includes('-DFOREGROUND')))
    return createPhpApache(ctx, ref);
  return createShellApp(ctx, rest);
}

const PROGRAMS = [
  'docker-php-entrypoint',
  '/usr/local/bin/docker-php-entrypoint',
  'apache2-foreground',
  '/usr/local/bin/apache2-foreground',
  'apache2',
  '/usr/sbin/apache2',
];

const SHIPPED = [
  'php',
  '/usr/local/bin/php',
  'apache2ctl',
  '/usr/sbin/apache2ctl',
  'apachectl',
  '/usr/sbin/apachectl',
  'a2enmod',
  'a2dismod',
  'a2enconf',
  'a2disconf',
  'a2ensite',
  'a2dissite',
  'docker-php-ext-install',
  'docker-php-ext-enable',
  'docker-php-ext-configure',
  'docker-php-source',
  'pecl',
  'pear',
  'phpize',
  'php-config',
];

export const PHP_APACHE_PROFILE: ImageProfile = {
  family: 'php',
  matches: (ref) => ref.repository === 'library/php' && /(^|-)apache(-|$)/.test(ref.tag),
  entrypoint: ['docker-php-entrypoint'],
  cmd: ['apache2-foreground'],
  env: (ref) => {
    const r = phpRelease(ref.tag);
    const url = `https://www.php.net/distributions/php-${r.php}.tar.xz`;
    return {
      PHPIZE_DEPS:
        'autoconf \t\tdpkg-dev \t\tfile \t\tg++ \t\tgcc \t\tlibc-dev \t\tmake \t\tpkg-config \t\tre2c',
      PHP_INI_DIR: '/usr/local/etc/php',
      APACHE_CONFDIR: '/etc/apache2',
      APACHE_ENVVARS: '/etc/apache2/envvars',
      PHP_CFLAGS: '-fstack-protector-strong -fpic -fpie -O2 -D_LARGEFILE_SOURCE -D_FILE_OFFSET_BITS=64',
      PHP_CPPFLAGS: '-fstack-protector-strong -fpic -fpie -O2 -D_LARGEFILE_SOURCE -D_FILE_OFFSET_BITS=64',
      PHP_LDFLAGS: '-Wl,-O1 -pie',
      PHP_VERSION: r.php,
      PHP_URL: url,
      PHP_ASC_URL: `${url}.asc`,
    };
  },
  tools: DEBIAN_TOOLS,
  programs: PROGRAMS,
  shipped: SHIPPED,
  answer: answerPhp,
  files: phpFiles,
  start: startPhp,
};
