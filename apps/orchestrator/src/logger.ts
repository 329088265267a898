import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Fields that must never reach a log line: image bytes, names, ID numbers, user ids, secrets.
 * pino removes them wherever they appear at these paths.
 */
export const REDACTED_PATHS = [
  'idOcrPictureBase64',
  'IdOcrPictureBase64',
  '*.idOcrPictureBase64',
  '*.IdOcrPictureBase64',
  '*.*.idOcrPictureBase64',
  'idOcrPictureFile',
  '*.idOcrPictureFile',
  'merchantUserId',
  '*.merchantUserId',
  'MerchantUserId',
  '*.MerchantUserId',
  'ocrIdInfo',
  '*.ocrIdInfo',
  'ExtIdInfo',
  '*.ExtIdInfo',
  'accessKeySecret',
  '*.accessKeySecret',
];

export interface CreateLoggerOptions {
  level?: LoggerOptions['level'];
  /** Pretty output for a person; defaults to whether stderr is a TTY. */
  pretty?: boolean;
  /** Where JSON lines go; defaults to stderr so that stdout stays for results. */
  destination?: NodeJS.WritableStream;
  name?: string;
}

/** JSON logs by default, pretty on a terminal; logs go to stderr so stdout carries only results. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const base: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'dococr',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  if (pretty && !options.destination) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname' } },
    });
  }
  return pino(base, options.destination ?? pino.destination({ fd: 2, sync: true }));
}
