/**
 * What nginx answers by itself (`ngx_http_special_response.c` of the nginx
 * 1.25 that ingress-nginx v1.12 ships): status lines, the built-in HTML pages
 * with `server_tokens off` ("<hr><center>nginx</center>", CRLF line ends), the
 * MSIE padding, and the HTTP date. ingress-nginx clears the `Server` header
 * (`more_clear_headers Server`), so its responses carry none.
 */

/** nginx's reason phrases (`ngx_http_status_lines`). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  408: 'Request Time-out',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
  505: 'HTTP Version Not Supported',
};

/** `HTTP/1.1 404 Not Found` (nginx writes `HTTP/1.1 299 ` for codes it has no text for). */
export function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}`;
}

/** Page titles that differ from the status line. */
const TITLES: Readonly<Record<number, string>> = {
  302: '302 Found',
  401: '401 Authorization Required',
};

/** nginx's own codes answered as 400 with a second line (494 header too large, 497 HTTP to HTTPS port). */
const SPECIAL_400: Readonly<Record<number, string>> = {
  494: 'Request Header Or Cookie Too Large',
  497: 'The plain HTTP request was sent to HTTPS port',
};

const TAIL = '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const PADDING = '<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n'.repeat(6);

/** The built-in page for `status` (or a special 49x code), or undefined for codes without one. */
export function errorPage(status: number, userAgent?: string): string | undefined {
  const special = SPECIAL_400[status];
  let page: string;
  if (special) {
    page = `<html>\r\n<head><title>400 ${special}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>${special}</center>\r\n${TAIL}`;
  } else {
    const text = STATUS_TEXT[status];
    if (!text || status < 301 || status === 304) return undefined;
    const title = TITLES[status] ?? `${status} ${text}`;
    page = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n${TAIL}`;
  }
  const msie = userAgent?.includes('MSIE ') === true && !userAgent.includes('Opera');
  return msie && status >= 400 && status !== 414 ? page + PADDING : page;
}

export { httpDate } from '../../util/time-text.js';
