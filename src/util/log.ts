import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Anything that looks like a credential is censored by path, so a careless
 * `log.info({ headers })` cannot leak a token (secrets never reach logs).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          '*.headers.authorization',
          'headers.authorization',
          'req.headers.authorization',
          'password',
          '*.password',
          'token',
          '*.token',
          'apiKey',
          '*.apiKey',
          'secret',
          '*.secret',
          'credentials',
          '*.credentials',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
