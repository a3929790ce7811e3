/**
 * Chain, set and map names exactly as kube-proxy derives them (kube-proxy.md §1):
 * iptables `KUBE-SVC-`/`KUBE-SVL-`/`KUBE-EXT-`/`KUBE-FW-` + `portProtoHash`,
 * `KUBE-SEP-` + hash of service port name, protocol and endpoint, and the nftables
 * `hashAndTruncate` names (`service-ULMVA6XW-ns1/svc1/tcp/p80`). Pure and stable:
 * the same inputs give the same name on every node and every sync, which is what lets
 * a trace, a golden file and a real node's `iptables-save` be compared line by line.
 */
import { hash } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 standard base32 (upper case, no padding) of the first `chars` characters. */
function base32Prefix(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
      if (out.length === chars) return out;
    }
  }
  return out;
}

function sha256Base32(text: string, chars: number): string {
  // One-shot `crypto.hash` (Node ≥ 20.12) avoids a Hash object per name.
  return base32Prefix(hash('sha256', text, 'buffer'), chars);
}

/**
 * Memo for service-level names (one per service port and protocol). Endpoint names are
 * cached by the compilers per immutable EndpointInfo instead: a 100,000-entry string
 * map costs more than it saves.
 */
const memo = new Map<string, string>();
const MEMO_LIMIT = 100_000;

function memoized(key: string, compute: () => string): string {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * `ServicePortName.String()`: `namespace/name` plus `:port` when the port is named
 * (`ns1/svc1:p80`, `ns1/svc1`). The protocol is not part of it.
 */
export function servicePortNameString(namespace: string, name: string, port: string): string {
  return port === '' ? `${namespace}/${name}` : `${namespace}/${name}:${port}`;
}

/**
 * kube-proxy's `portProtoHash`: the first 16 base32 characters of
 * SHA-256(`servicePortName` + lower-case protocol).
 */
export function portProtoHash(servicePortName: string, protocol: string): string {
  const input = servicePortName + protocol.toLowerCase();
  return memoized(`p\u0000${input}`, () => sha256Base32(input, 16));
}

/** `KUBE-SVC-<hash>`: the Cluster-policy chain of a service port. */
export function serviceChainName(servicePortName: string, protocol: string): string {
  return `KUBE-SVC-${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-SVL-<hash>`: the Local-policy chain of a service port. */
export function localChainName(servicePortName: string, protocol: string): string {
  return `KUBE-SVL-${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-EXT-<hash>`: the chain every external destination (NodePort, LB, externalIP) enters. */
export function externalChainName(servicePortName: string, protocol: string): string {
  return `KUBE-EXT-${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-FW-<hash>`: the loadBalancerSourceRanges chain. */
export function firewallChainName(servicePortName: string, protocol: string): string {
  return `KUBE-FW-${portProtoHash(servicePortName, protocol)}`;
}

/**
 * `KUBE-SEP-<hash>`: the chain of one endpoint of one service port; the hash covers
 * `servicePortName + protocol + ip:port`, so one pod behind two services gets two chains.
 */
export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${sha256Base32(servicePortName + protocol.toLowerCase() + endpoint, 16)}`;
}

/** nftables `hashAndTruncate`: 8 base32 characters of the hash, `-`, the name (≤ 240 characters). */
export function hashAndTruncate(name: string): string {
  const full = `${sha256Base32(name, 8)}-${name}`;
  return full.length > 240 ? `${full.slice(0, 237)}...` : full;
}

/**
 * nftables `servicePortChainNameBase`: `HASH-namespace/name/protocol/portName`
 * (protocol before the port name, port name present even when empty).
 */
export function nftServiceChainBase(namespace: string, name: string, protocol: string, port: string): string {
  const base = `${namespace}/${name}/${protocol.toLowerCase()}/${port}`;
  return memoized(`n\u0000${base}`, () => hashAndTruncate(base));
}

/**
 * nftables `servicePortEndpointChainNameBase`:
 * `HASH-namespace/name/protocol/portName__ip/port` (IPv6 colons become dots).
 */
export function nftEndpointChainBase(
  namespace: string,
  name: string,
  protocol: string,
  port: string,
  endpoint: { readonly ip: string; readonly port: number },
): string {
  const ip = endpoint.ip.replaceAll(':', '.');
  return hashAndTruncate(`${namespace}/${name}/${protocol.toLowerCase()}/${port}__${ip}/${endpoint.port}`);
}
