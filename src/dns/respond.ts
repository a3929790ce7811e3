/**
 * Builds the reply to one query the way CoreDNS's server does around the
 * kubernetes plugin: miekg/dns's accept rules (a reply is ignored, an opcode
 * other than QUERY or NOTIFY is NOTIMP, a malformed query FORMERR), REFUSED
 * for a class other than IN, BADVERS for an EDNS version other than 0, the
 * zone's answer with AA set (and no RA: the kubernetes plugin is
 * authoritative, not a recursor), `loadbalance`, then the ScrubWriter: the
 * query's OPT record echoed (`SizeAndDo`) and the reply truncated to the
 * client's buffer (`Scrub`: 65535 bytes over TCP, the EDNS size or 512 over
 * UDP), with TC set when records were left out.
 *
 * Names outside the zone are forwarded (`forward . /etc/resolv.conf`); the
 * upstream's reply comes back with its own flags (RA included), its OPT record
 * rewritten for the client, and cut to the client's size when it is too long.
 */
import type { Random } from '../util/random.js';
import { balanceSections } from './loadbalance.js';
import { chaseCname, type PodResolverConfig } from './resolver.js';
import { forwardQuery } from './upstream.js';
import {
  CLASS_IN,
  EDNS_DO,
  FLAG,
  findOpt,
  HEADER_SIZE,
  OPCODE,
  opcodeOf,
  type Query,
  RCODE,
  readLayout,
  typeName,
} from './wire-read.js';
import {
  encodeReply,
  MAX_MSG_SIZE,
  MIN_MSG_SIZE,
  type ReplyMessage,
  replyOpt,
  truncateReply,
} from './wire-write.js';
import { answerQuestion, type ClusterDnsView, type DnsRecord, type ZoneAnswer } from './zone.js';

export type Transport = 'udp' | 'tcp';

export interface RespondConfig {
  readonly view: ClusterDnsView;
  /** Upstream nameservers for names outside the cluster. */
  readonly upstream: readonly string[];
  /** Resolves a name outside the cluster zone to IPv4 addresses, for CNAME chasing. */
  readonly lookupExternal?: PodResolverConfig['lookupExternal'];
  /** Draws for `loadbalance`. */
  readonly random: Random;
}

/**
 * miekg's reply to a query it rejects before reading its body (`serveDNS`):
 * the query's header with QR set, AA and Z cleared, every section empty; FORMERR
 * also resets the opcode. `query` must be at least a header long.
 */
export function rejectReply(query: Buffer, rcode: typeof RCODE.FORMERR | typeof RCODE.NOTIMP): Buffer {
  const reply = Buffer.alloc(HEADER_SIZE);
  query.copy(reply, 0, 0, 2);
  let flags = query.readUInt16BE(2) | FLAG.QR;
  flags &= ~(FLAG.AA | FLAG.Z | 0xf);
  if (rcode === RCODE.FORMERR) flags &= ~(0xf << 11);
  reply.writeUInt16BE(flags | rcode, 2);
  return reply;
}

/** miekg `SetReply`: id, QR, the opcode, and RD and CD copied from a QUERY. */
function replyFlags(query: Query): number {
  const flags = query.header.flags;
  const opcode = flags & (0xf << 11);
  const copied = opcodeOf(flags) === OPCODE.QUERY ? flags & (FLAG.RD | FLAG.CD) : 0;
  return FLAG.QR | opcode | copied;
}

function emptyReply(query: Query, rcode: number): ReplyMessage {
  return {
    id: query.header.id,
    flags: replyFlags(query),
    rcode,
    question: query.question,
    answers: [],
    authorities: [],
    additionals: [],
    opt: replyOpt(query.opt),
  };
}

/** CoreDNS `errorFunc`: the bare rcode (REFUSED, SERVFAIL), with the query's OPT record echoed. */
export function errorReply(query: Query, rcode: number): Buffer {
  return encodeReply(emptyReply(query, rcode), false);
}

/** CoreDNS `edns.Version`: BADVERS with an OPT record of its own (version 0, UDP size 0), sent as is. */
function badVersReply(query: Query): Buffer {
  const opt = { udpSize: 0, extendedRcode: 0, version: 0, flags: 0, options: [] };
  return encodeReply({ ...emptyReply(query, RCODE.BADVERS), opt }, false);
}

/** The client's buffer (CoreDNS `Request.Size`): 65535 over TCP, else the EDNS size, at least 512. */
function clientSize(query: Query, transport: Transport): number {
  if (transport === 'tcp') return MAX_MSG_SIZE;
  return Math.max(query.opt?.udpSize ?? 0, MIN_MSG_SIZE);
}

/** CoreDNS `ScrubWriter`: SizeAndDo, then Truncate, then compression for UDP replies over 1480 bytes. */
function scrub(msg: ReplyMessage, query: Query, transport: Transport): Buffer {
  const { msg: fitted, compress } = truncateReply(msg, clientSize(query, transport));
  const encoded = encodeReply(fitted, compress);
  return !compress && transport === 'udp' && encoded.length > 1480 ? encodeReply(fitted, true) : encoded;
}

const ZONE_RCODE: Readonly<Record<ZoneAnswer['rcode'], number>> = RCODE;

/** CoreDNS answers with the name as asked (`state.QName()`): the case of the question is kept. */
function keepCase(records: readonly DnsRecord[], asked: string): DnsRecord[] {
  const fq = asked.endsWith('.') ? asked : `${asked}.`;
  return records.map((r) => (r.name.toLowerCase() === fq.toLowerCase() ? { ...r, name: fq } : r));
}

function zoneReply(query: Query, answer: ZoneAnswer, random: Random): ReplyMessage {
  const rcode = ZONE_RCODE[answer.rcode];
  // The kubernetes plugin writes NOERROR and NXDOMAIN itself, authoritative; other rcodes go back bare.
  if (rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN) return emptyReply(query, rcode);
  const sections = {
    answers: keepCase(answer.answers, query.question.name),
    authorities: answer.authorities,
    additionals: answer.additionals,
  };
  return {
    ...emptyReply(query, rcode),
    flags: replyFlags(query) | FLAG.AA,
    ...(rcode === RCODE.NOERROR ? balanceSections(sections, random) : sections),
  };
}

/**
 * An upstream's reply, made to fit the client as CoreDNS's ScrubWriter does:
 * its OPT record gets the client's UDP size and DO bit (version 0), and a
 * reply longer than the client's buffer goes back with its question only and
 * TC set. Undefined when the upstream sent something unreadable.
 */
function scrubForwarded(reply: Buffer, query: Query, transport: Transport): Buffer | undefined {
  let layout: ReturnType<typeof readLayout>;
  try {
    layout = readLayout(reply);
  } catch {
    return undefined;
  }
  const out = Buffer.from(reply);
  const found = findOpt(out, layout);
  if (found && query.opt) {
    out.writeUInt16BE(query.opt.udpSize, found.record.fixed + 2);
    out[found.record.fixed + 5] = 0;
    const flags = (found.opt.flags & 0xff00) | (query.opt.flags & EDNS_DO);
    out.writeUInt16BE(flags, found.record.fixed + 6);
  }
  if (out.length <= clientSize(query, transport)) return out;
  const opt = found ? out.subarray(found.record.start, found.record.end) : Buffer.alloc(0);
  const cut = Buffer.concat([out.subarray(0, layout.questionEnd), opt]);
  cut.writeUInt16BE(out.readUInt16BE(2) | FLAG.TC, 2);
  cut.writeUInt32BE(0, 6);
  cut.writeUInt16BE(found ? 1 : 0, 10);
  return cut;
}

async function forward(
  query: Query,
  raw: Buffer,
  config: RespondConfig,
  transport: Transport,
): Promise<Buffer> {
  for (const server of config.upstream) {
    const reply = await forwardQuery(raw, server);
    const scrubbed = reply && scrubForwarded(reply, query, transport);
    if (scrubbed) return scrubbed;
  }
  return errorReply(query, RCODE.SERVFAIL);
}

/**
 * Answers one query that passed miekg's accept rules (one question, opcode
 * QUERY or NOTIFY). `raw` is the query as received, forwarded as is.
 */
export async function respond(
  query: Query,
  raw: Buffer,
  config: RespondConfig,
  transport: Transport,
): Promise<Buffer> {
  if (query.question.class !== CLASS_IN) return errorReply(query, RCODE.REFUSED);
  if (query.opt && query.opt.version !== 0) return badVersReply(query);
  const answer = answerQuestion(config.view, query.question.name, typeName(query.question.type));
  if (answer.forward === true) return forward(query, raw, config, transport);
  const chased = await chaseCname(answer, config);
  return scrub(zoneReply(query, chased, config.random), query, transport);
}
