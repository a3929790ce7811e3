/**
 * Reason phrases as Go's `net/http.StatusText` has them. Go, nginx and Apache
 * each write their own phrases on the status line (nginx: `302 Moved
 * Temporarily`, `503 Service Temporarily Unavailable`), so each dialect keeps
 * its own table; this is Go's.
 */
const GO_STATUS_TEXT: Readonly<Record<number, string>> = {
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  208: 'Already Reported',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  510: 'Not Extended',
  511: 'Network Authentication Required',
};

/** `http.StatusText(code)`: the phrase, or '' for a code Go does not know. */
export function goStatusText(code: number): string {
  return GO_STATUS_TEXT[code] ?? '';
}

/** Go's status line: `HTTP/1.1 200 OK`, or `HTTP/1.1 599 status code 599` for unknown codes. */
export function goStatusLine(code: number, http11: boolean): string {
  const proto = http11 ? 'HTTP/1.1' : 'HTTP/1.0';
  const text = goStatusText(code);
  return text ? `${proto} ${code} ${text}` : `${proto} ${String(code).padStart(3, '0')} status code ${code}`;
}

/** Whether a response with this status may carry a body (Go `bodyAllowedForStatus`). */
export function bodyAllowedForStatus(code: number): boolean {
  if (code >= 100 && code <= 199) return false;
  return code !== 204 && code !== 304;
}
