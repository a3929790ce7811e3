import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Names of the log levels `--log-level` accepts. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** @default 'info' */
  readonly level?: LogLevel;
  /** Human-readable output (pino-pretty). @default process.stderr.isTTY */
  readonly pretty?: boolean;
  /** Where JSON lines go when not pretty. @default stderr (fd 2) */
  readonly destination?: number | string;
}

/**
 * Creates the one root logger of a netkube process. Components never create
 * their own: each receives `logger.child({ component: '…' })` through its config.
 * Pretty on a terminal, JSON lines otherwise.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { destination: options.destination ?? 2, colorize: true, ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level, base: null }, pino.destination({ dest: options.destination ?? 2, sync: false }));
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
