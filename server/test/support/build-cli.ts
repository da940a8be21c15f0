import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './shared-data.js';

/**
 * Compile the server once before the suite, so tests that start `dofc` as a process run the
 * compiled CLI, which starts in a fraction of the time the TypeScript sources take.
 */
export default function setup(): void {
  // Set DOFC_TEST_SKIP_BUILD=1 to reuse server/dist from an earlier `npm run build`.
  if (process.env['DOFC_TEST_SKIP_BUILD'] === '1') return;
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: path.join(REPO_ROOT, 'server'),
    stdio: 'inherit',
  });
}
