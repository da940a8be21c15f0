import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, STATE_FILE, type TestEnvironment } from './environment';
import { BOOTSTRAP_ADMIN, UI_SHARED_SECRET } from './scheduler-access';

const STARTUP_TIMEOUT_MS = 60_000;
const TOKEN = 'dofc-ui-tests';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Start a process in its own process group, so teardown can stop it with everything it started. */
function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, logFile: string): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function waitForHttp(url: string, service: string, logFile: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service} did not respond to ${url} within ${STARTUP_TIMEOUT_MS} ms (last: ${lastError}); see its log in ${logFile}`);
}

/** Start a scheduler with a fresh data folder and a JupyterLab with the extension, both on 127.0.0.1. */
export default async function globalSetup(): Promise<void> {
  const python = path.join(REPO_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} is missing; run scripts/install.sh first.`);

  const work = mkdtempSync(path.join(os.tmpdir(), 'dofc-ui-'));
  const dataDir = path.join(work, 'scheduler');
  const notebooks = mkdtempSync(path.join(work, 'notebooks-'));
  const jupyterDir = mkdtempSync(path.join(work, 'jupyter-'));

  const schedulerPort = await freePort();
  const jupyterPort = await freePort();
  const schedulerUrl = `http://127.0.0.1:${schedulerPort}`;
  const jupyterUrl = `http://127.0.0.1:${jupyterPort}`;

  const schedulerLog = path.join(work, 'scheduler.log');
  const scheduler = startProcess(
    'node',
    [path.join(REPO_ROOT, 'server', 'bin', 'dofc.js'), 'serve', '--host', '127.0.0.1', '--port', String(schedulerPort), '--data-dir', dataDir],
    // One core makes jobs run one at a time, so a second job waits with a queue position. A zero
    // shuffle threshold makes pre-flight move any light job with a join or group-by over a file to
    // the heavy pool, so the submit dialog can show an L→H move without gigabytes of test data.
    {
      ...process.env,
      DOFC_CORES: '1',
      DOFC_MEMORY_GB: '4',
      DOFC_TICK_MS: '200',
      DOFC_KILL_GRACE_S: '2',
      DOFC_PYTHON: python,
      DOFC_LOG_LEVEL: 'info',
      DOFC_INTERACTIVE_MAX_SHUFFLE_GB: '0',
      // The admin tests act as this user to grant the Jupyter user roles.
      DOFC_ADMINS: BOOTSTRAP_ADMIN,
      // The scheduler accepts the Jupyter proxy's signed requests only with the proxy's secret.
      DOFC_SHARED_SECRET: UI_SHARED_SECRET,
    },
    REPO_ROOT,
    schedulerLog,
  );

  // Answer JupyterLab's news question in advance, so its prompt does not cover the screenshots.
  const settingsDir = path.join(jupyterDir, 'settings');
  mkdirSync(path.join(settingsDir, '@jupyterlab', 'apputils-extension'), { recursive: true });
  writeFileSync(path.join(settingsDir, '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false' }));

  const jupyterLog = path.join(work, 'jupyter.log');
  const jupyter = startProcess(
    path.join(REPO_ROOT, '.venv', 'bin', 'jupyter'),
    [
      'lab',
      '--no-browser',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${jupyterPort}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${TOKEN}`,
      `--ServerApp.root_dir=${notebooks}`,
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
      // The read-only extension manager never queries PyPI, which these machines cannot reach.
      '--LabApp.extension_manager=readonly',
      // CI runs as root; the server only listens on 127.0.0.1 with a token.
      '--allow-root',
    ],
    {
      ...process.env,
      DOFC_URL: schedulerUrl,
      // Makes the proxy sign the identity headers, so that code path runs too.
      DOFC_SHARED_SECRET: UI_SHARED_SECRET,
      JUPYTER_CONFIG_DIR: path.join(jupyterDir, 'config'),
      JUPYTER_RUNTIME_DIR: path.join(jupyterDir, 'runtime'),
      JUPYTERLAB_SETTINGS_DIR: settingsDir,
      JUPYTERLAB_WORKSPACES_DIR: path.join(jupyterDir, 'workspaces'),
    },
    notebooks,
    jupyterLog,
  );

  const environment: TestEnvironment = {
    schedulerUrl,
    jupyterUrl,
    token: TOKEN,
    notebookRoot: notebooks,
    pids: [scheduler.pid, jupyter.pid].filter((pid): pid is number => pid !== undefined),
    tempDirs: [work],
  };
  writeFileSync(STATE_FILE, JSON.stringify(environment, null, 2));

  await waitForHttp(`${schedulerUrl}/health`, 'The scheduler', schedulerLog);
  await waitForHttp(`${jupyterUrl}/api/status?token=${TOKEN}`, 'JupyterLab', jupyterLog);
  await waitForHttp(`${jupyterUrl}/dofc/health?token=${TOKEN}`, 'The DOFC proxy in JupyterLab', jupyterLog);
}
