import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ApiTokenView } from '../../auth/api-tokens.js';
import { USER_NAME_PATTERN } from '../../auth/identity.js';
import { loadSharedSecret, sharedSecretSource } from '../../auth/shared-secret.js';
import { signedAssertionHeaders } from '../../auth/signed-assertion.js';
import { callApi, CliError, EXIT, getJson, serverUrl } from '../client.js';
import { saveApiToken } from '../credentials.js';

interface CreateOptions {
  name: string;
  expiresInDays?: string;
  user?: string;
  dataDir?: string;
  save?: boolean;
  json?: boolean;
  url?: string;
}

/** `dofc token create|list|revoke`: the caller's personal API tokens. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('Create, list and revoke personal API tokens.');

  token
    .command('create')
    .description(
      'Create a personal API token and print it once. With --user, an operator on the scheduler machine creates the first token of a user by signing with the shared secret (DOFC_SHARED_SECRET, DOFC_SHARED_SECRET_FILE or <data-dir>/shared-secret).',
    )
    .option('--name <name>', 'a name that says where the token is used', 'cli')
    .option('--expires-in-days <days>', 'whole days until the token stops working (default: never)')
    .option('--user <name>', 'create the token for this user, signing with the shared secret')
    .option('--data-dir <dir>', "the scheduler's data folder, where its shared-secret file is (default DOFC_DATA_DIR or ./.dofc)")
    .option('--save', 'also write the token to the token file (DOFC_TOKEN_FILE or ~/.config/dofc/token), mode 0600')
    .option('--json', 'print the token and its details as JSON')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (options: CreateOptions) => {
      const body: Record<string, unknown> = { name: options.name };
      if (options.expiresInDays !== undefined) body['expires_in_days'] = wholeDays(options.expiresInDays);

      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.user !== undefined) Object.assign(headers, operatorAssertion(options.user, options.dataDir));
      const response = await callApi(serverUrl(options.url), '/me/tokens', { method: 'POST', headers, body: JSON.stringify(body) });
      const created = (await response.json()) as ApiTokenView & { token: string };

      const savedTo = options.save ? saveApiToken(created.token) : null;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(created)}\n`);
        return;
      }
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(
        `Token ${created.id} "${created.name}" created${created.expires_at === null ? '' : `, valid until ${created.expires_at}`}. It is shown only now; ${savedTo === null ? 'keep it in DOFC_TOKEN or save it with --save' : `it is saved in ${savedTo}`}.\n`,
      );
    });

  token
    .command('list')
    .description('List your tokens; their secrets are never shown again.')
    .option('--json', 'print the tokens as JSON')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (options: { json?: boolean; url?: string }) => {
      const { tokens } = await getJson<{ tokens: ApiTokenView[] }>(serverUrl(options.url), '/me/tokens');
      if (options.json) {
        process.stdout.write(`${JSON.stringify(tokens)}\n`);
        return;
      }
      const lines = tokens.map((view) => `${view.id}\t${view.name}\tcreated ${view.created_at}\tlast used ${view.last_used_at ?? 'never'}\texpires ${view.expires_at ?? 'never'}`);
      process.stdout.write(lines.length === 0 ? 'No tokens.\n' : `${lines.join('\n')}\n`);
    });

  token
    .command('revoke')
    .description('Revoke one of your tokens; requests with it fail with 401 from then on.')
    .argument('<id>', 'token id, as "dofc token list" shows it')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (id: string, options: { url?: string }) => {
      await callApi(serverUrl(options.url), `/me/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
      process.stdout.write(`Token ${id} revoked.\n`);
    });
}

function wholeDays(raw: string): number {
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) {
    throw new CliError(`--expires-in-days ${raw} is invalid; use a whole number of days of at least 1.`, EXIT.invalidInput);
  }
  return days;
}

/** Signs POST /me/tokens as `user` with the scheduler's shared secret, as the Jupyter proxy signs requests. */
function operatorAssertion(user: string, dataDir: string | undefined): Record<string, string> {
  if (!USER_NAME_PATTERN.test(user)) {
    throw new CliError(`--user ${user} is invalid; user names are 1 to 64 letters, digits or _ . @ -.`, EXIT.invalidInput);
  }
  const folder = path.resolve(dataDir ?? process.env['DOFC_DATA_DIR'] ?? '.dofc');
  const source = sharedSecretSource(process.env, folder);
  if (source.kind === 'file' && !existsSync(source.file)) {
    // A new secret would be one the scheduler does not know, so only finding the scheduler's helps.
    throw new CliError(
      `The scheduler's shared secret is not at ${source.file}. Run this command in the folder where the scheduler runs, or pass --data-dir with the scheduler's data folder (DOFC_DATA_DIR, by default .dofc there).`,
      EXIT.failure,
    );
  }
  let secret: Buffer;
  try {
    secret = loadSharedSecret(source.kind === 'file' ? { ...source, createIfMissing: false } : source);
  } catch (error) {
    const where = source.kind === 'file' ? source.file : 'DOFC_SHARED_SECRET';
    throw new CliError(`Cannot read the shared secret from ${where}: ${(error as Error).message} Run this on the scheduler's machine as the user that runs it, or point --data-dir at its data folder.`, EXIT.failure);
  }
  return signedAssertionHeaders(secret, user, 'POST', '/me/tokens', Date.now());
}
