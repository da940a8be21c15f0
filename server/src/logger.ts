import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACTED = '[redacted]';

/** Keys whose string values are credentials wherever they appear in a log object. */
const SECRET_KEY = /authorization|cookie|passw(or)?d|secret|token|signature|api[-_]?key|credential/i;

/** Credentials that can hide inside free text, such as an error message or a URL. */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // The password of a URL's user information, such as postgres://user:password@host.
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\btoken\s+[A-Za-z0-9._~+/=-]{20,}/gi, `token ${REDACTED}`],
  // Personal API tokens start with dofc_ and carry 43 base64url characters.
  [/\bdofc_[A-Za-z0-9_-]{16,}/g, `dofc_${REDACTED}`],
];

const knownSecrets = new Set<string>();

/**
 * Add a secret value, such as the proxy's shared secret, that must never appear in a log line.
 * Every later log line has each occurrence replaced. Values shorter than 8 characters are
 * ignored, because replacing them would mangle ordinary words.
 */
export function redactInLogs(secret: string): void {
  if (secret.length >= 8) knownSecrets.add(secret);
}

function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  for (const secret of knownSecrets) result = result.replaceAll(secret, REDACTED);
  return result;
}

/**
 * Copy a value with every credential replaced: string values under secret-looking keys, and
 * secrets found in any string. Errors are copied with their class, message, stack and cause, so
 * their messages and stacks are cleaned too.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;

  const source = value as Record<string, unknown>;
  // An error keeps its class, so pino's serializer still names its type.
  const copy = (value instanceof Error ? Object.create(Object.getPrototypeOf(value) as object) : {}) as Record<string, unknown>;
  if (value instanceof Error) {
    copy['message'] = redactText(value.message);
    if (value.stack !== undefined) copy['stack'] = redactText(value.stack);
    if (value.cause !== undefined) copy['cause'] = redactSecrets(value.cause, depth + 1);
  }
  for (const [key, item] of Object.entries(source)) {
    copy[key] = typeof item === 'string' && SECRET_KEY.test(key) ? REDACTED : redactSecrets(item, depth + 1);
  }
  return copy;
}

/**
 * The service's structured logger. Child loggers bind `jobId`, `pool`, `executor` and `cycle`.
 * DOFC_LOG_LEVEL sets the level (default info; "silent" in tests). Every argument of every log
 * call passes through `redactSecrets`, so authorization headers, tokens, signatures, URL
 * passwords and values given to `redactInLogs` never reach the output. Bindings of child
 * loggers are not cleaned, so bind only ids and names.
 */
export function createLogger(level = process.env['DOFC_LOG_LEVEL'] ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name: 'dofc',
    level,
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...rest: unknown[]) => void) {
        method.apply(this, args.map((arg) => redactSecrets(arg)));
      },
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
