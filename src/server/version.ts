/**
 * `GET /version`. The minor stays at "32": kubectl warns on a skew of more than
 * one minor, and the gcloud `kubectl` dispatcher picks its bundled
 * `kubectl.1.NN` from the server's minor (reference §1, §2.2).
 */

/** apimachinery `version.Info`. */
export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

function goArch(arch: string): string {
  switch (arch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return '386';
    default:
      return arch;
  }
}

/** The version netkube reports; `overrides` come from the server config. */
export function versionInfo(overrides: Partial<VersionInfo> = {}): VersionInfo {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-netkube',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'netkube',
    platform: `${process.platform}/${goArch(process.arch)}`,
    ...overrides,
  };
}
