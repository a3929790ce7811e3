/**
 * Image references as container runtimes read them (`nginx`,
 * `docker.io/library/nginx:1.25.3-alpine`, `registry.k8s.io/e2e-test-images/agnhost:2.39`,
 * `repo@sha256:…`), normalised so aliases of one image compare equal:
 * Docker Hub's implicit `docker.io/library/`, and `k8s.gcr.io` → `registry.k8s.io`.
 * Pure.
 */

export interface ImageRef {
  /** `docker.io`, `registry.k8s.io`, `gcr.io`, `localhost:5000`… */
  readonly registry: string;
  /** `library/nginx`, `e2e-test-images/agnhost`, `traefik/whoami`. */
  readonly repository: string;
  /** `latest` when neither a tag nor a digest is given; '' with a digest only. */
  readonly tag: string;
  readonly digest: string | undefined;
  /** Last path component of the repository (`nginx`, `agnhost`). */
  readonly name: string;
}

const REGISTRY_ALIASES: Readonly<Record<string, string>> = {
  'k8s.gcr.io': 'registry.k8s.io',
  'index.docker.io': 'docker.io',
  'registry-1.docker.io': 'docker.io',
  'registry.hub.docker.com': 'docker.io',
};

/** Parses and normalises an image reference. */
export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (tag === '' && digest === undefined) tag = 'latest';
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  let registry = 'docker.io';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = REGISTRY_ALIASES[first.toLowerCase()] ?? first.toLowerCase();
    parts.shift();
  }
  let repository = parts.join('/').toLowerCase();
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, tag, digest, name: repository.split('/').pop() ?? repository };
}

/** Whether a `tagVersion` is at least `min` (missing parts count as 0). */
export function versionAtLeast(v: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** `major.minor.patch` numbers at the start of a tag (`1.25.3-alpine` → [1, 25, 3]); [] when none. */
export function tagVersion(tag: string): number[] {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(tag);
  if (!m) return [];
  return [m[1], m[2], m[3]].filter((p): p is string => p !== undefined).map(Number);
}
