/**
 * klog's text header, as the controller's Go process prints it:
 * `I0102 03:04:05.678901       7 main.go:205] message`. Pure.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** One klog line at `ms` (UTC) with severity `I`/`W`/`E`, from `file:line`. */
export function klog(ms: number, severity: 'I' | 'W' | 'E', where: string, message: string): string {
  const d = new Date(ms);
  const micros = pad(d.getUTCMilliseconds() * 1000, 6);
  const time = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${micros}`;
  return `${severity}${time}       7 ${where}] ${message}`;
}
