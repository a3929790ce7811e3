/**
 * Writing DNS replies the way miekg/dns (the library under CoreDNS) packs
 * them: names compressed only when the message asks for it (owner names and
 * the names inside CNAME, PTR, NS and SOA; never an SRV target, RFC 2782), and
 * `truncate`, miekg's `Msg.Truncate`: a reply that does not fit the client's
 * buffer is compressed, then cut record by record, with TC set when anything
 * was left out. A reply written here is never longer than the size it was
 * truncated to, so it always fits a TCP length prefix.
 */
import { CLASS_IN, FLAG, HEADER_SIZE, type Opt, type Question, TYPE } from './wire-read.js';
import type { DnsRecord } from './zone.js';

export const MIN_MSG_SIZE = 512;
export const MAX_MSG_SIZE = 65535;
/** Pointers have 14 bits: names further in cannot be pointed at. */
const MAX_COMPRESSION_OFFSET = 16384;

/** A reply to write. `flags` holds every header bit but the rcode; the OPT record is always packed last. */
export interface ReplyMessage {
  readonly id: number;
  readonly flags: number;
  /** The full rcode: its low 4 bits go in the header, the rest in the OPT record (BADVERS is 16). */
  readonly rcode: number;
  readonly question: Question | undefined;
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
  readonly opt: Opt | undefined;
}

/** Splits a presentation name into its labels as bytes (`\.` and `\\` unescaped); `.` is the root. */
function labelsOf(name: string): string[] {
  const labels: string[] = [];
  let label = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\' && i + 1 < name.length) label += name[++i];
    else if (c === '.') {
      if (label) labels.push(label);
      label = '';
    } else label += c;
  }
  if (label) labels.push(label);
  return labels;
}

/** A compression map key: the labels from `from` on, length-prefixed so that no two names share one. */
function suffixKey(labels: readonly string[], from: number): string {
  return labels
    .slice(from)
    .map((l) => `${l.length}:${l}`)
    .join('');
}

/** The wire length of a name at `off` (miekg `domainNameLen`), filling `seen` as packing would fill its map. */
function nameLength(name: string, off: number, seen: Set<string> | undefined, compress: boolean): number {
  const labels = labelsOf(name);
  let length = 1;
  for (let i = 0; i < labels.length; i++) {
    if (seen) {
      const key = suffixKey(labels, i);
      if (seen.has(key)) {
        if (compress) return length - 1 + 2;
        seen = undefined;
      } else if (off + length - 1 < MAX_COMPRESSION_OFFSET) seen.add(key);
    }
    length += 1 + Buffer.byteLength(labels[i] ?? '', 'latin1');
  }
  return length;
}

function rdataLength(r: DnsRecord, off: number, seen: Set<string> | undefined): number {
  switch (r.type) {
    case 'A':
      return 4;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return nameLength(r.data, off, seen, true);
    case 'TXT':
      return r.data.reduce((n, s) => n + 1 + Buffer.byteLength(s, 'latin1'), 0);
    case 'SRV':
      return 6 + nameLength(r.data.target, off + 6, seen, false);
    case 'SOA': {
      const mname = nameLength(r.data.mname, off, seen, true);
      return mname + nameLength(r.data.rname, off + mname, seen, true) + 20;
    }
  }
}

function recordLength(r: DnsRecord, off: number, seen: Set<string> | undefined): number {
  const owner = nameLength(r.name, off, seen, true) + 10;
  return owner + rdataLength(r, off + owner, seen);
}

function optLength(opt: Opt): number {
  return 11 + opt.options.reduce((n, o) => n + 4 + o.data.length, 0);
}

function questionLength(q: Question, off: number, seen: Set<string> | undefined): number {
  return nameLength(q.name, off, seen, true) + 4;
}

/** The packed length of a message, compressed or not (miekg `Msg.Len`). */
export function messageLength(msg: ReplyMessage, compress: boolean): number {
  const seen = compress ? new Set<string>() : undefined;
  let l = HEADER_SIZE;
  if (msg.question) l += questionLength(msg.question, l, seen);
  for (const r of [...msg.answers, ...msg.authorities, ...msg.additionals]) l += recordLength(r, l, seen);
  return msg.opt ? l + optLength(msg.opt) : l;
}

class Writer {
  readonly buf: Buffer;
  off = 0;
  readonly #compression: Map<string, number> | undefined;

  constructor(size: number, compress: boolean) {
    this.buf = Buffer.alloc(size);
    this.#compression = compress ? new Map() : undefined;
  }

  u16(n: number): void {
    this.off = this.buf.writeUInt16BE(n & 0xffff, this.off);
  }

  u32(n: number): void {
    this.off = this.buf.writeUInt32BE(n >>> 0, this.off);
  }

  /** miekg `packDomainName`: every suffix is remembered; a known one becomes a pointer when `compress`. */
  name(name: string, compress: boolean): void {
    const labels = labelsOf(name);
    for (let i = 0; i < labels.length; i++) {
      if (this.#compression) {
        const key = suffixKey(labels, i);
        const at = this.#compression.get(key);
        if (at !== undefined) {
          if (compress) {
            this.u16(0xc000 | at);
            return;
          }
        } else if (this.off < MAX_COMPRESSION_OFFSET) this.#compression.set(key, this.off);
      }
      const label = Buffer.from(labels[i] ?? '', 'latin1');
      this.buf[this.off++] = label.length;
      this.off += label.copy(this.buf, this.off);
    }
    this.buf[this.off++] = 0;
  }

  record(r: DnsRecord): void {
    this.name(r.name, true);
    this.u16(TYPE[r.type] ?? 0);
    this.u16(CLASS_IN);
    this.u32(r.ttl);
    const lengthAt = this.off;
    this.u16(0);
    this.#rdata(r);
    this.buf.writeUInt16BE(this.off - lengthAt - 2, lengthAt);
  }

  #rdata(r: DnsRecord): void {
    switch (r.type) {
      case 'A':
        for (const octet of r.data.split('.')) this.buf[this.off++] = Number(octet) & 0xff;
        return;
      case 'CNAME':
      case 'PTR':
      case 'NS':
        this.name(r.data, true);
        return;
      case 'TXT':
        for (const s of r.data) {
          const bytes = Buffer.from(s, 'latin1');
          this.buf[this.off++] = bytes.length;
          this.off += bytes.copy(this.buf, this.off);
        }
        return;
      case 'SRV':
        this.u16(r.data.priority);
        this.u16(r.data.weight);
        this.u16(r.data.port);
        this.name(r.data.target, false);
        return;
      case 'SOA':
        this.name(r.data.mname, true);
        this.name(r.data.rname, true);
        for (const n of [r.data.serial, r.data.refresh, r.data.retry, r.data.expire, r.data.minimum])
          this.u32(n);
        return;
    }
  }

  opt(opt: Opt, rcode: number): void {
    this.buf[this.off++] = 0;
    this.u16(TYPE.OPT ?? 41);
    this.u16(opt.udpSize);
    // miekg sets the extended rcode from the message's rcode whenever there is an OPT record.
    this.u32((((rcode >> 4) & 0xff) << 24) | ((opt.version & 0xff) << 16) | (opt.flags & 0xffff));
    this.u16(opt.options.reduce((n, o) => n + 4 + o.data.length, 0));
    for (const o of opt.options) {
      this.u16(o.code);
      this.u16(o.data.length);
      this.off += o.data.copy(this.buf, this.off);
    }
  }
}

/** Packs a reply, compressed or not. */
export function encodeReply(msg: ReplyMessage, compress: boolean): Buffer {
  const w = new Writer(messageLength(msg, false) + 1, compress);
  w.u16(msg.id);
  w.u16((msg.flags & ~0xf) | (msg.rcode & 0xf));
  w.u16(msg.question ? 1 : 0);
  w.u16(msg.answers.length);
  w.u16(msg.authorities.length);
  w.u16(msg.additionals.length + (msg.opt ? 1 : 0));
  if (msg.question) {
    w.name(msg.question.name, true);
    w.u16(msg.question.type);
    w.u16(msg.question.class);
  }
  for (const r of [...msg.answers, ...msg.authorities, ...msg.additionals]) w.record(r);
  if (msg.opt) w.opt(msg.opt, msg.rcode);
  return w.buf.subarray(0, w.off);
}

function fitting(
  records: readonly DnsRecord[],
  size: number,
  l: number,
  seen: Set<string>,
): { l: number; n: number } {
  for (let i = 0; i < records.length; i++) {
    l += recordLength(records[i] as DnsRecord, l, seen);
    if (l > size) return { l: size, n: i };
    if (l === size) return { l, n: i + 1 };
  }
  return { l, n: records.length };
}

/**
 * miekg `Msg.Truncate(size)`: a reply that fits uncompressed is left alone
 * (and sent uncompressed); otherwise it is compressed and each section keeps
 * the records that fit, the OPT record always kept; TC is set when a record
 * was left out. Sizes under 512 count as 512 (RFC 6891 §6.2.5).
 */
export function truncateReply(msg: ReplyMessage, size: number): { msg: ReplyMessage; compress: boolean } {
  size = Math.max(size, MIN_MSG_SIZE);
  if (messageLength(msg, false) <= size) return { msg, compress: false };
  if (msg.opt) size -= optLength(msg.opt);
  const seen = new Set<string>();
  let l = HEADER_SIZE + (msg.question ? questionLength(msg.question, HEADER_SIZE, seen) : 0);
  let answers = 0;
  let authorities = 0;
  let additionals = 0;
  if (l < size) ({ l, n: answers } = fitting(msg.answers, size, l, seen));
  if (l < size) ({ l, n: authorities } = fitting(msg.authorities, size, l, seen));
  if (l < size) ({ n: additionals } = fitting(msg.additionals, size, l, seen));
  const cut =
    msg.answers.length > answers ||
    msg.authorities.length > authorities ||
    msg.additionals.length > additionals;
  return {
    msg: {
      ...msg,
      flags: cut ? msg.flags | FLAG.TC : msg.flags,
      answers: msg.answers.slice(0, answers),
      authorities: msg.authorities.slice(0, authorities),
      additionals: msg.additionals.slice(0, additionals),
    },
    compress: true,
  };
}

/**
 * CoreDNS `request.SizeAndDo`: the query's OPT record tacked onto the reply,
 * version 0, the query's UDP size, the extended-rcode and version bits cleared
 * (DO kept), and only the options CoreDNS knows passed back (NSID, EXPIRE,
 * COOKIE, TCP-KEEPALIVE, PADDING). Undefined when the query had no OPT record.
 */
export function replyOpt(queryOpt: Opt | undefined): Opt | undefined {
  if (!queryOpt) return undefined;
  const supported = new Set([3, 9, 10, 11, 12]);
  return {
    udpSize: queryOpt.udpSize,
    extendedRcode: 0,
    version: 0,
    flags: queryOpt.flags & 0xff00,
    options: queryOpt.options.filter((o) => supported.has(o.code)),
  };
}
