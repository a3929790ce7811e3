/**
 * Deterministic identities the kubelet and its runtime report: container and
 * sandbox IDs, image references and digests, machine and boot IDs. A real
 * cluster draws them from containerd, the registry and the host; netkube
 * derives them from stable inputs (pod uid, container name, attempt, node name)
 * so that traces, golden files and reruns agree, while they keep the real
 * formats (`containerd://<64 hex>`, `docker.io/library/nginx@sha256:<64 hex>`).
 */
import { createHash } from 'node:crypto';

/** SHA-256 of the parts (NUL-separated), as lower-case hex, cut to `length` characters (≤ 64). */
export function stableHex(parts: readonly (string | number)[], length = 64): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, length);
}

/** A UUID-shaped (8-4-4-4-12) stable identifier, version nibble 4 as systemd/dmidecode print them. */
export function stableUuid(parts: readonly (string | number)[]): string {
  const h = stableHex(parts, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `containerd://<64 hex>` for the `attempt`-th container of `name` in a pod (attempt counts from 0). */
export function containerID(podUid: string, name: string, attempt: number, boot: number): string {
  return `containerd://${stableHex(['container', podUid, name, attempt, boot])}`;
}

/** The 64-hex ID of a pod sandbox (the pause container), as in `failed to setup network for sandbox "<id>"`. */
export function sandboxID(podUid: string, attempt: number, boot: number): string {
  return stableHex(['sandbox', podUid, attempt, boot]);
}

/** A parsed image reference (distribution/reference normalisation, as containerd reports it). */
export interface ImageReference {
  /** `docker.io/library/nginx` */
  readonly repository: string;
  /** `1.14.2`; undefined when the reference names a digest only. */
  readonly tag: string | undefined;
  /** `sha256:…` when the reference pins one. */
  readonly digest: string | undefined;
}

/**
 * Normalises an image name as docker/distribution does: no registry means
 * `docker.io`, a single path component on Docker Hub gets `library/`, and no
 * tag nor digest means `:latest`.
 */
export function parseImage(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository = hasDomain ? rest : `docker.io/${rest}`;
  if (!hasDomain && slash < 0) repository = `docker.io/library/${rest}`;
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { repository, tag, digest };
}

/** Image names and IDs are asked for on every status write; a cluster uses few images. */
const imageCache = new Map<string, { readonly name: string; readonly id: string }>();

function resolveImage(image: string): { readonly name: string; readonly id: string } {
  let hit = imageCache.get(image);
  if (!hit) {
    const ref = parseImage(image);
    const digest = ref.digest ?? `sha256:${stableHex(['image', ref.repository, ref.tag ?? ''])}`;
    hit = {
      name: ref.tag !== undefined ? `${ref.repository}:${ref.tag}` : `${ref.repository}@${ref.digest}`,
      id: `${ref.repository}@${digest}`,
    };
    if (imageCache.size >= 4096) imageCache.clear();
    imageCache.set(image, hit);
  }
  return hit;
}

/** What `containerStatuses[].image` shows once the image is on the node: `docker.io/library/nginx:1.14.2`. */
export function imageName(image: string): string {
  return resolveImage(image).name;
}

/** `docker.io/library/nginx@sha256:<hex>`: the repo digest, stable per image reference. */
export function imageID(image: string): string {
  return resolveImage(image).id;
}

/** A plausible compressed image size in bytes (between 2 and 120 MB), stable per image. */
export function imageSizeBytes(image: string): number {
  const n = Number.parseInt(stableHex(['size', imageName(image)], 8), 16);
  return 2_000_000 + (n % 118_000_000);
}

/** `/etc/machine-id` of a node: 32 hex characters. */
export function machineID(nodeName: string): string {
  return stableHex(['machine-id', nodeName], 32);
}

/** The DMI product UUID of a node. */
export function systemUUID(nodeName: string): string {
  return stableUuid(['system-uuid', nodeName]);
}

/** `/proc/sys/kernel/random/boot_id` of a node's `boot`-th boot: it changes on every `node start`. */
export function bootID(nodeName: string, boot: number): string {
  return stableUuid(['boot-id', nodeName, boot]);
}
