/**
 * Ephemeral source ports per address, in Linux's default range
 * (`net.ipv4.ip_local_port_range = 32768 60999`): pods' outgoing connections
 * and masqueraded (SNAT) connections get one each. Ports cycle; a collision
 * with a still-open connection is harmless in the emulator (tuples are labels,
 * not kernel keys).
 */
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;

export class EphemeralPorts {
  #next = new Map<string, number>();

  /** The next port for `ip`. */
  allocate(ip: string): number {
    const n = this.#next.get(ip) ?? EPHEMERAL_LOW + (hash(ip) % (EPHEMERAL_HIGH - EPHEMERAL_LOW));
    this.#next.set(ip, n >= EPHEMERAL_HIGH ? EPHEMERAL_LOW : n + 1);
    return n;
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
