/**
 * `/etc/os-release` of the base images netkube's images are built on, as their
 * base-files / alpine-release packages write it, and which base each nginx tag
 * was last built on (read from docker-nginx's Dockerfile history: stretch
 * before 1.16, buster, bullseye from 1.20.2/1.21.3, bookworm from 1.25.1,
 * trixie from 1.28.1/1.29.1). busybox has no os-release at all. Pure.
 */
import { versionAtLeast } from '../image-ref.js';

export type DebianCodename = 'stretch' | 'buster' | 'bullseye' | 'bookworm' | 'trixie';

const DEBIAN_VERSION: Readonly<Record<DebianCodename, number>> = {
  stretch: 9,
  buster: 10,
  bullseye: 11,
  bookworm: 12,
  trixie: 13,
};

/**
 * Trixie's base-files adds the point release (`DEBIAN_VERSION_FULL`); it moves
 * with every rebuild of an image, so this is a representative one.
 */
const TRIXIE_POINT_RELEASE = '13.4';

/** Debian's `/usr/lib/os-release` (what `/etc/os-release` links to). */
export function debianOsRelease(codename: DebianCodename): string {
  const v = DEBIAN_VERSION[codename];
  return (
    `PRETTY_NAME="Debian GNU/Linux ${v} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${v}"\n` +
    `VERSION="${v} (${codename})"\nVERSION_CODENAME=${codename}\n` +
    (codename === 'trixie' ? `DEBIAN_VERSION_FULL=${TRIXIE_POINT_RELEASE}\n` : '') +
    'ID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\n' +
    'BUG_REPORT_URL="https://bugs.debian.org/"\n'
  );
}

/**
 * A patch release of each Alpine branch the images were built on. The real
 * patch level is the one current when the image was last rebuilt; these are
 * representative, the branch (`PRETTY_NAME`) is exact.
 */
const ALPINE_PATCH: Readonly<Record<string, number>> = {
  '3.7': 3,
  '3.8': 4,
  '3.9': 4,
  '3.10': 4,
  '3.11': 6,
  '3.12': 3,
  '3.13': 5,
  '3.14': 3,
  '3.15': 4,
  '3.16': 3,
  '3.17': 4,
  '3.18': 6,
  '3.19': 1,
  '3.20': 3,
  '3.21': 3,
  '3.22': 1,
  '3.23': 0,
};

/** Alpine's `/etc/os-release` for a branch (`3.18`). */
export function alpineOsRelease(branch: string): string {
  return (
    `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${branch}.${ALPINE_PATCH[branch] ?? 0}\n` +
    `PRETTY_NAME="Alpine Linux v${branch}"\nHOME_URL="https://alpinelinux.org/"\n` +
    'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n'
  );
}

/** The entry of the last range `version` reaches (ranges sorted by their first version). */
function inRange<T>(version: readonly number[], ranges: ReadonlyArray<readonly [readonly number[], T]>): T {
  let found = ranges[0]?.[1] as T;
  for (const [min, value] of ranges) if (versionAtLeast(version, min)) found = value;
  return found;
}

/**
 * The Debian release each nginx version's image was last built on, from the
 * version it starts with. Stable and mainline moved at different times, so the
 * ranges interleave (1.21.0 stayed on buster after 1.20.2 moved to bullseye).
 */
const NGINX_DEBIAN: ReadonlyArray<readonly [readonly number[], DebianCodename]> = [
  [[0], 'stretch'],
  [[1, 16, 0], 'buster'],
  [[1, 20, 2], 'bullseye'],
  [[1, 21, 0], 'buster'],
  [[1, 21, 3], 'bullseye'],
  [[1, 25, 1], 'bookworm'],
  [[1, 28, 1], 'trixie'],
  [[1, 29, 0], 'bookworm'],
  [[1, 29, 1], 'trixie'],
];

/** The Alpine branch each nginx `-alpine` version's image was last built on, the same way. */
const NGINX_ALPINE: ReadonlyArray<readonly [readonly number[], string]> = [
  [[0], '3.8'],
  [[1, 14, 2], '3.9'],
  [[1, 15, 0], '3.7'],
  [[1, 15, 4], '3.8'],
  [[1, 15, 8], '3.9'],
  [[1, 16, 0], '3.10'],
  [[1, 17, 0], '3.9'],
  [[1, 17, 1], '3.10'],
  [[1, 17, 10], '3.11'],
  [[1, 19, 2], '3.12'],
  [[1, 19, 6], '3.13'],
  [[1, 20, 1], '3.14'],
  [[1, 21, 0], '3.13'],
  [[1, 21, 1], '3.14'],
  [[1, 21, 4], '3.15'],
  [[1, 21, 6], '3.16'],
  [[1, 22, 1], '3.17'],
  [[1, 23, 0], '3.16'],
  [[1, 23, 2], '3.17'],
  [[1, 24, 0], '3.19'],
  [[1, 25, 0], '3.17'],
  [[1, 25, 1], '3.18'],
  [[1, 25, 5], '3.19'],
  [[1, 26, 2], '3.20'],
  [[1, 26, 3], '3.21'],
  [[1, 27, 0], '3.19'],
  [[1, 27, 1], '3.20'],
  [[1, 27, 3], '3.21'],
  [[1, 27, 5], '3.22'],
  [[1, 28, 0], '3.21'],
  [[1, 28, 1], '3.23'],
  [[1, 29, 0], '3.22'],
  [[1, 29, 4], '3.23'],
];

/** The Debian release an nginx version's image was last built on. */
export function nginxDebianBase(version: readonly number[]): DebianCodename {
  return inRange(version, NGINX_DEBIAN);
}

/** The Alpine branch an nginx `-alpine` version's image was last built on. */
export function nginxAlpineBranch(version: readonly number[]): string {
  return inRange(version, NGINX_ALPINE);
}
