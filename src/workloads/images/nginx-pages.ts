/**
 * What the nginx image serves by default, per version: the welcome page and
 * `50x.html` (three generations of the package's docs/html), the built-in
 * error pages (`ngx_http_special_response.c`), the status lines nginx writes,
 * and each release's file time (the image's `Last-Modified`/`ETag`).
 */
import { versionAtLeast } from '../image-ref.js';

/** Welcome page of nginx before 1.21.2. */
const INDEX_CLASSIC =
  '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\n    body {\n        width: 35em;\n' +
  '        margin: 0 auto;\n        font-family: Tahoma, Verdana, Arial, sans-serif;\n    }\n</style>\n</head>\n<body>\n' +
  '<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n' +
  'working. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n' +
  '<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n' +
  '<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n';

const STYLE_DARK =
  '<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n';

/** Welcome page of nginx 1.21.2 – 1.29.5 (dark-mode style). */
const INDEX_DARK =
  `<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n${STYLE_DARK}</head>\n<body>\n` +
  '<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n' +
  'working. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n' +
  '<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n' +
  '<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n';

/** Welcome page from nginx 1.29.6. */
const INDEX_2026 =
  `<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n${STYLE_DARK}</head>\n<body>\n` +
  '<h1>Welcome to nginx!</h1>\n<p>If you see this page, nginx is successfully installed and working.\n' +
  'Further configuration is required for the web server, reverse proxy, \nAPI gateway, load balancer, content cache, or other features.</p>\n\n' +
  '<p>For online documentation and support please refer to\n<a href="https://nginx.org/">nginx.org</a>.<br/>\n' +
  'To engage with the community please visit\n<a href="https://community.nginx.org/">community.nginx.org</a>.<br/>\n' +
  'For enterprise grade support, professional services, additional \nsecurity features and capabilities please refer to\n' +
  '<a href="https://f5.com/nginx">f5.com/nginx</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n';

const ERROR_50X_CLASSIC =
  '<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n<style>\n    body {\n        width: 35em;\n        margin: 0 auto;\n' +
  '        font-family: Tahoma, Verdana, Arial, sans-serif;\n    }\n</style>\n</head>\n<body>\n<h1>An error occurred.</h1>\n' +
  '<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n' +
  '<p>If you are the system administrator of this resource then you should check\n' +
  'the <a href="http://nginx.org/r/error_log">error log</a> for details.</p>\n<p><em>Faithfully yours, nginx.</em></p>\n</body>\n</html>\n';

const ERROR_50X_DARK =
  `<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n${STYLE_DARK}</head>\n<body>\n<h1>An error occurred.</h1>\n` +
  '<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n' +
  '<p>If you are the system administrator of this resource then you should check\n' +
  'the error log for details.</p>\n<p><em>Faithfully yours, nginx.</em></p>\n</body>\n</html>\n';

/** `index.html` of nginx `version` ([major, minor, patch]). */
export function nginxIndexHtml(version: readonly number[]): string {
  if (versionAtLeast(version, [1, 29, 6])) return INDEX_2026;
  return versionAtLeast(version, [1, 21, 2]) ? INDEX_DARK : INDEX_CLASSIC;
}

/** `50x.html` of nginx `version`. */
export function nginx50xHtml(version: readonly number[]): string {
  return versionAtLeast(version, [1, 21, 2]) ? ERROR_50X_DARK : ERROR_50X_CLASSIC;
}

/** Whether `version` is at least `min`. */
export function nginxAtLeast(version: readonly number[], min: readonly number[]): boolean {
  return versionAtLeast(version, min);
}

/** nginx's status line phrases (`ngx_http_status_lines`). */
export const NGINX_STATUS: Readonly<Record<number, string>> = {
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
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Time-out',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
  505: 'HTTP Version Not Supported',
  507: 'Insufficient Storage',
};

/** Title of nginx's built-in error page for `status` (`401 Authorization Required`). */
function pageTitle(status: number): string {
  if (status === 401) return '401 Authorization Required';
  return `${status} ${NGINX_STATUS[status] ?? ''}`;
}

/** nginx's built-in error page, with `<hr><center>nginx/1.25.3</center>` and the MSIE/Chrome padding when asked. */
export function nginxErrorPage(status: number, serverTokens: string, padding: boolean): string {
  const title = pageTitle(status);
  const pad = '<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n'.repeat(6);
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
    `<hr><center>${serverTokens}</center>\r\n</body>\r\n</html>\r\n${padding && status >= 400 ? pad : ''}`
  );
}

/** Commit times of nginx releases (the package files' mtime, hence Last-Modified/ETag). */
const RELEASE_TIMES: Readonly<Record<string, number>> = {
  '1.14.0': 1523978555,
  '1.14.1': 1541512366,
  '1.14.2': 1543934689,
  '1.15.12': 1555426498,
  '1.16.0': 1556025177,
  '1.16.1': 1565690700,
  '1.17.10': 1586873966,
  '1.18.0': 1587478141,
  '1.19.10': 1618326838,
  '1.20.0': 1618925746,
  '1.20.1': 1621946138,
  '1.20.2': 1637073842,
  '1.21.0': 1621945735,
  '1.21.1': 1625583556,
  '1.21.3': 1631028062,
  '1.21.4': 1635864562,
  '1.21.5': 1640705317,
  '1.21.6': 1643123031,
  '1.22.0': 1653350358,
  '1.22.1': 1666166540,
  '1.23.0': 1655821536,
  '1.23.1': 1658239527,
  '1.23.2': 1666166180,
  '1.23.3': 1670946833,
  '1.23.4': 1680015713,
  '1.24.0': 1681177534,
  '1.25.0': 1684854499,
  '1.25.1': 1686668889,
  '1.25.2': 1692118984,
  '1.25.3': 1698155207,
  '1.25.4': 1707911746,
  '1.25.5': 1713277670,
  '1.26.0': 1713879608,
  '1.26.1': 1716902814,
  '1.26.2': 1723472745,
  '1.26.3': 1738773647,
  '1.27.0': 1716902378,
  '1.27.1': 1723472452,
  '1.27.2': 1727881999,
  '1.27.3': 1732636500,
  '1.27.4': 1738772022,
  '1.27.5': 1744804871,
  '1.28.0': 1745408934,
  '1.29.0': 1750785761,
};

/** Latest patch release of each minor version netkube knows, for tags like `1.25`. */
const LATEST_PATCH: Readonly<Record<string, number>> = {
  '1.14': 2,
  '1.15': 12,
  '1.16': 1,
  '1.17': 10,
  '1.18': 0,
  '1.19': 10,
  '1.20': 2,
  '1.21': 6,
  '1.22': 1,
  '1.23': 4,
  '1.24': 0,
  '1.25': 5,
  '1.26': 3,
  '1.27': 5,
  '1.28': 0,
  '1.29': 0,
};

/** The version an image tag runs: `1.25.3-alpine` → 1.25.3, `1.25` → 1.25.5, `stable` → 1.26.3, else 1.27.5. */
export function nginxVersionForTag(tag: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
  if (m) {
    const minor = `${m[1]}.${m[2]}`;
    return [Number(m[1]), Number(m[2]), m[3] !== undefined ? Number(m[3]) : (LATEST_PATCH[minor] ?? 0)];
  }
  if (tag.startsWith('stable')) return [1, 26, 3];
  return [1, 27, 5];
}

/** The modification time (ms) of the image's html files. */
export function nginxFilesTime(version: readonly number[]): number {
  const key = version.join('.');
  const exact = RELEASE_TIMES[key];
  if (exact !== undefined) return exact * 1000;
  const minorKey = Object.keys(RELEASE_TIMES)
    .filter((k) => k.startsWith(`${version[0]}.${version[1]}.`))
    .pop();
  return (RELEASE_TIMES[minorKey ?? '1.27.5'] ?? 1744804871) * 1000;
}
