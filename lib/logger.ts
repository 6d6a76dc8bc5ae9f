import pino from 'pino';

/**
 * Structured JSON logs. Never log personal data beyond the personal ID: no names,
 * addresses, document contents or tokens (the redact list is a second line of
 * defence, not the first).
 */
export function createLogger(level: string): pino.Logger {
  return pino({
    level,
    base: { service: 'vn-papers-hub' },
    redact: {
      paths: ['req.headers.authorization', '*.authorization', '*.token', '*.password', '*.secret'],
      censor: '[redacted]',
    },
  });
}
