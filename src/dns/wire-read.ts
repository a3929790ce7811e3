/**
 * Reading DNS messages off the wire (RFC 1035 §4, RFC 6891 for EDNS): the
 * header, the question and the OPT record of a query, and the layout of an
 * upstream's reply (where its question ends and where each record sits), so
 * the server can answer the way miekg/dns, the library under CoreDNS, does.
 *
 * Names are kept in presentation form with a trailing dot and the case they
 * came with (`Web.Default.svc.cluster.local.`); a `.` or `\` inside a label is
 * escaped with a backslash.
 */

export const HEADER_SIZE = 12;

/** Header flag bits (the second 16-bit word, RFC 1035 §4.1.1; AD and CD from RFC 4035). */
export const FLAG = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  Z: 0x0040,
  AD: 0x0020,
  CD: 0x0010,
} as const;

export const OPCODE = { QUERY: 0, NOTIFY: 4 } as const;

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

/** Record type numbers (IANA "Resource Record (RR) TYPEs"). */
export const TYPE: Readonly<Record<string, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
};

const TYPE_NAME = new Map(Object.entries(TYPE).map(([name, n]) => [n, name]));

/** The mnemonic of a type number, or `TYPE<n>` (RFC 3597) for the ones the zone never answers. */
export function typeName(type: number): string {
  return TYPE_NAME.get(type) ?? `TYPE${type}`;
}

export const CLASS_IN = 1;

/** A query or reply that cannot be read: the server answers FORMERR, or drops it. */
export class WireFormatError extends Error {
  readonly code = 'DNS_WIRE_FORMAT';
}

export interface Header {
  readonly id: number;
  /** The second word: QR, opcode, AA, TC, RD, RA, Z, AD, CD and the rcode. */
  readonly flags: number;
  readonly qdcount: number;
  readonly ancount: number;
  readonly nscount: number;
  readonly arcount: number;
}

export function opcodeOf(flags: number): number {
  return (flags >> 11) & 0xf;
}

/** The header of a message, or undefined when it is shorter than one (miekg drops those). */
export function readHeader(buf: Buffer): Header | undefined {
  if (buf.length < HEADER_SIZE) return undefined;
  return {
    id: buf.readUInt16BE(0),
    flags: buf.readUInt16BE(2),
    qdcount: buf.readUInt16BE(4),
    ancount: buf.readUInt16BE(6),
    nscount: buf.readUInt16BE(8),
    arcount: buf.readUInt16BE(10),
  };
}

export interface Question {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export interface EdnsOption {
  readonly code: number;
  readonly data: Buffer;
}

/** An OPT pseudo-record (RFC 6891 §6.1.2): its class is the UDP size, its TTL the extended rcode, version and flags. */
export interface Opt {
  readonly udpSize: number;
  readonly extendedRcode: number;
  readonly version: number;
  /** The low 16 bits of the TTL: DO (0x8000) and the Z bits. */
  readonly flags: number;
  readonly options: readonly EdnsOption[];
}

export const EDNS_DO = 0x8000;

export interface Query {
  readonly header: Header;
  readonly question: Question;
  /** The query's OPT record (the last one, as miekg's `IsEdns0` picks), when it has one. */
  readonly opt?: Opt;
}

function escapeLabel(label: string): string {
  return label.replace(/[.\\]/g, (c) => `\\${c}`);
}

/** miekg's limit on compression pointers followed in one name. */
const MAX_POINTERS = 126;

/** Reads a (possibly compressed) name at `start`; `end` is the offset just past it in the message. */
export function readName(buf: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let off = start;
  let end = -1;
  let pointers = 0;
  let octets = 1;
  for (;;) {
    const len = buf[off];
    if (len === undefined) throw new WireFormatError('Name runs past the end of the message');
    if ((len & 0xc0) === 0xc0) {
      const low = buf[off + 1];
      if (low === undefined)
        throw new WireFormatError('Compression pointer runs past the end of the message');
      if (++pointers > MAX_POINTERS) throw new WireFormatError('Too many compression pointers');
      if (end < 0) end = off + 2;
      off = ((len & 0x3f) << 8) | low;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new WireFormatError(`Unsupported label type 0x${len.toString(16)}`);
    if (len === 0) break;
    if (off + 1 + len > buf.length) throw new WireFormatError('Label runs past the end of the message');
    octets += len + 1;
    if (octets > 255) throw new WireFormatError('Name longer than 255 octets');
    labels.push(escapeLabel(buf.toString('latin1', off + 1, off + 1 + len)));
    off += 1 + len;
  }
  return { name: labels.length ? `${labels.join('.')}.` : '.', end: end < 0 ? off + 1 : end };
}

/** Where one record sits in a message. */
export interface RecordLayout {
  readonly section: 'answer' | 'authority' | 'additional';
  readonly start: number;
  readonly end: number;
  readonly type: number;
  /** Offset of the 10 fixed bytes after the owner name (type, class, TTL, rdlength). */
  readonly fixed: number;
}

/** The layout of a whole message: where its questions end and where each record sits. */
export interface MessageLayout {
  readonly header: Header;
  readonly questions: readonly Question[];
  readonly questionEnd: number;
  readonly records: readonly RecordLayout[];
}

/** Walks a message; throws `WireFormatError` when it is malformed. */
export function readLayout(buf: Buffer): MessageLayout {
  const header = readHeader(buf);
  if (!header) throw new WireFormatError('Message shorter than a header');
  let off = HEADER_SIZE;
  const questions: Question[] = [];
  for (let i = 0; i < header.qdcount; i++) {
    const { name, end } = readName(buf, off);
    if (end + 4 > buf.length) throw new WireFormatError('Question runs past the end of the message');
    questions.push({ name, type: buf.readUInt16BE(end), class: buf.readUInt16BE(end + 2) });
    off = end + 4;
  }
  const questionEnd = off;
  const records: RecordLayout[] = [];
  const sections = [
    ['answer', header.ancount],
    ['authority', header.nscount],
    ['additional', header.arcount],
  ] as const;
  for (const [section, count] of sections) {
    for (let i = 0; i < count; i++) {
      const fixed = readName(buf, off).end;
      if (fixed + 10 > buf.length) throw new WireFormatError('Record runs past the end of the message');
      const end = fixed + 10 + buf.readUInt16BE(fixed + 8);
      if (end > buf.length) throw new WireFormatError('Record data runs past the end of the message');
      records.push({ section, start: off, end, type: buf.readUInt16BE(fixed), fixed });
      off = end;
    }
  }
  return { header, questions, questionEnd, records };
}

function readOpt(buf: Buffer, r: RecordLayout): Opt {
  const ttl = buf.readUInt32BE(r.fixed + 4);
  const options: EdnsOption[] = [];
  let off = r.fixed + 10;
  while (off < r.end) {
    if (off + 4 > r.end) throw new WireFormatError('EDNS option runs past its record');
    const len = buf.readUInt16BE(off + 2);
    if (off + 4 + len > r.end) throw new WireFormatError('EDNS option runs past its record');
    options.push({ code: buf.readUInt16BE(off), data: Buffer.from(buf.subarray(off + 4, off + 4 + len)) });
    off += 4 + len;
  }
  return {
    udpSize: buf.readUInt16BE(r.fixed + 2),
    extendedRcode: ttl >>> 24,
    version: (ttl >>> 16) & 0xff,
    flags: ttl & 0xffff,
    options,
  };
}

/** The OPT record of a message (the last one), if any. */
export function findOpt(buf: Buffer, layout: MessageLayout): { opt: Opt; record: RecordLayout } | undefined {
  const record = layout.records.findLast((r) => r.section === 'additional' && r.type === TYPE.OPT);
  return record ? { opt: readOpt(buf, record), record } : undefined;
}

/** Reads a query: exactly one question (the caller checks the counts first), and its OPT record. */
export function parseQuery(buf: Buffer): Query {
  const layout = readLayout(buf);
  const question = layout.questions[0];
  if (!question) throw new WireFormatError('No question');
  const opt = findOpt(buf, layout)?.opt;
  return opt ? { header: layout.header, question, opt } : { header: layout.header, question };
}
