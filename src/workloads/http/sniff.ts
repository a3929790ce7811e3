/**
 * Go's `http.DetectContentType` for the content simulated apps send (HTML, XML,
 * plain text, binary): the `Content-Type` Go adds when a handler sets none. Pure.
 */

const BINARY_BYTE = (b: number) =>
  b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f);
const HTML_SIGNATURES = [
  '<!DOCTYPE HTML',
  '<HTML',
  '<HEAD',
  '<SCRIPT',
  '<IFRAME',
  '<H1',
  '<DIV',
  '<FONT',
  '<TABLE',
  '<A',
  '<STYLE',
  '<TITLE',
  '<B',
  '<BODY',
  '<BR',
  '<P',
  '<!--',
];

/**
 * The bytes last sniffed (at most 512) and their type: an app answers the same
 * body over and over, and a byte comparison is cheaper than the sniff.
 */
let lastBytes: Buffer | undefined;
let lastType = '';

/** `http.DetectContentType` for the content simulated apps send (HTML, XML, text, binary). */
export function detectContentType(data: Buffer): string {
  const head = data.subarray(0, 512);
  if (lastBytes?.equals(head)) return lastType;
  const type = sniff(head);
  lastBytes = Buffer.from(head);
  lastType = type;
  return type;
}

/** Go's sniffing algorithm over the first 512 bytes. */
function sniff(head: Buffer): string {
  let i = 0;
  while (i < head.length && [0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(head[i] ?? 0)) i++;
  const text = head.subarray(i).toString('latin1');
  const upper = text.toUpperCase();
  for (const sig of HTML_SIGNATURES) {
    const next = upper.charCodeAt(sig.length);
    if (upper.startsWith(sig) && (next === 0x20 || next === 0x3e)) return 'text/html; charset=utf-8';
  }
  if (text.startsWith('<?xml')) return 'text/xml; charset=utf-8';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head[0] === 0xfe && head[1] === 0xff) return 'text/plain; charset=utf-16be';
  if (head[0] === 0xff && head[1] === 0xfe) return 'text/plain; charset=utf-16le';
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'text/plain; charset=utf-8';
  for (const b of head) if (BINARY_BYTE(b)) return 'application/octet-stream';
  return 'text/plain; charset=utf-8';
}
