import { describe, expect, it } from 'vitest';
import { createLogger, redactInLogs, type Logger } from '../../src/logger.js';

const TOKEN = 'dofc_Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6';
const SHARED_SECRET = '4f1c2b7e9a0d3c5b8e6f1a2d4c7b9e0f';
const SIGNATURE = 'sha256=9d2f0a1b3c4e5f60718293a4b5c6d7e8';

/** Creates a logger that keeps its output lines in memory. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

describe('log redaction', () => {
  redactInLogs(SHARED_SECRET);

  it.each<[string, (logger: Logger) => void, string]>([
    ['an authorization header', (logger) => logger.info({ headers: { authorization: `Bearer ${TOKEN}` } }, 'request'), TOKEN],
    ['a bearer token in a message', (logger) => logger.warn(`rejected Authorization: Bearer ${TOKEN}`), TOKEN],
    ['an API token in an error', (logger) => logger.error({ err: new Error(`token ${TOKEN} is revoked`) }, 'auth failed'), TOKEN],
    ['an error given first', (logger) => logger.error(new Error(`bad ${TOKEN}`), 'auth failed'), TOKEN],
    ['a signature header', (logger) => logger.info({ request: { 'x-dofc-signature': SIGNATURE } }, 'signed'), SIGNATURE],
    ['the shared secret as a value', (logger) => logger.info({ config: { auth: { sharedSecret: SHARED_SECRET } } }, 'started'), SHARED_SECRET],
    ['the shared secret in free text', (logger) => logger.info(`loaded ${SHARED_SECRET} from the file`), SHARED_SECRET],
    ['a database password', (logger) => logger.error({ err: new Error('connect postgres://dofc:hunter2-pass@db:5432/dofc failed') }, 'store'), 'hunter2-pass'],
    ['a format argument', (logger) => logger.info('header was %s', `Bearer ${TOKEN}`), TOKEN],
  ])('hides %s', (_case, log, secret) => {
    const { logger, lines } = capturingLogger();
    log(logger);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');
  });

  it('keeps ordinary fields and the error shape', () => {
    const { logger, lines } = capturingLogger();
    logger.error({ err: new Error('runner exited'), jobId: 7, tokenCount: 3 }, 'attempt failed');
    const line = JSON.parse(lines[0] ?? '{}') as { jobId: number; tokenCount: number; msg: string; err: { type: string; message: string; stack: string } };
    expect(line.jobId).toBe(7);
    expect(line.tokenCount).toBe(3);
    expect(line.msg).toBe('attempt failed');
    expect(line.err.type).toBe('Error');
    expect(line.err.message).toBe('runner exited');
    expect(line.err.stack).toContain('runner exited');
  });
});
