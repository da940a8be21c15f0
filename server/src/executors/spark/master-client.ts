/** Client for a standalone master's web UI: its /json/ state and its application kill endpoint. */

/** One worker as the master's /json/ lists it (memory in MiB). */
export interface MasterWorker {
  id: string;
  host: string;
  state: string;
  cores: number;
  coresused: number;
  memory: number;
  memoryused: number;
}

/** One application as the master's /json/ lists it (memory in MiB). */
export interface MasterApplication {
  id: string;
  name: string;
  cores: number;
  memoryperexecutor: number;
  state: string;
  starttime: number;
}

export interface MasterState {
  url: string;
  status: string;
  workers: MasterWorker[];
  aliveworkers: number;
  cores: number;
  coresused: number;
  memory: number;
  memoryused: number;
  activeapps: MasterApplication[];
  completedapps: MasterApplication[];
}

const REQUEST_TIMEOUT_MS = 5_000;

/** Fetch the master's state from `<webUrl>/json/`. */
export async function readMasterState(webUrl: string): Promise<MasterState> {
  const url = `${webUrl}/json/`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(
      `The Spark master's web UI at ${url} did not respond: ${(error as Error).message}. Start the master, or set DOFC_SPARK_MASTER_UI to its web UI address.`,
      { cause: error },
    );
  }
  if (!response.ok) throw new Error(`The Spark master's web UI at ${url} returned HTTP ${response.status}; check DOFC_SPARK_MASTER_UI.`);
  return (await response.json()) as MasterState;
}

/** Find the running application with this name, or return null when the master lists none. */
export function findActiveApplication(state: MasterState, name: string): MasterApplication | null {
  return state.activeapps.find((app) => app.name === name && app.state !== 'FINISHED' && app.state !== 'KILLED') ?? null;
}

/**
 * Read the CSRF token the master embeds in its kill forms. Spark 4.3 rejects a kill request
 * without it. Older masters render no token and need none, so null is returned for them.
 */
async function readKillToken(webUrl: string): Promise<string | null> {
  const response = await fetch(`${webUrl}/`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const page = await response.text();
  return /name="csrfToken"\s+value="([^"]+)"/.exec(page)?.[1] ?? null;
}

/**
 * Ask the master to kill an application and remove it, as the kill form of its web UI does:
 * POST /app/kill/ with id, terminate=true and the page's CSRF token (spark.ui.killEnabled on).
 */
export async function killApplication(webUrl: string, appId: string): Promise<void> {
  const form = new URLSearchParams({ id: appId, terminate: 'true' });
  const token = await readKillToken(webUrl);
  if (token !== null) form.set('csrfToken', token);
  const response = await fetch(`${webUrl}/app/kill/`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  // The master responds to a kill with a redirect back to its main page.
  if (response.status >= 400) {
    throw new Error(
      `The Spark master at ${webUrl} rejected the kill of application ${appId}: HTTP ${response.status}. Check that spark.ui.killEnabled is true on the master; the application's driver is stopped instead.`,
    );
  }
}

/** Cores and memory of a standalone cluster, split into what DOFC's applications and others hold. */
export interface ClusterLoad {
  aliveWorkers: number;
  totalCores: number;
  totalMemGb: number;
  /** Held by running applications that DOFC did not start: load DOFC must leave room for. */
  foreignCores: number;
  foreignMemGb: number;
  /** Held by DOFC's own applications, which the scheduler already counts. */
  dofcCores: number;
  /** Capacity DOFC may plan with: the alive workers minus the foreign load. */
  available: { cores: number; memGb: number };
}

/**
 * Summarise the master's state for capacity planning. `isDofcApplication` separates DOFC's own
 * applications (by their name), because the scheduler already counts the jobs it runs.
 */
export function clusterLoad(state: MasterState, isDofcApplication: (name: string) => boolean): ClusterLoad {
  const alive = state.workers.filter((worker) => worker.state === 'ALIVE');
  const totalCores = alive.reduce((sum, worker) => sum + worker.cores, 0);
  const totalMemMb = alive.reduce((sum, worker) => sum + worker.memory, 0);

  let foreignCores = 0;
  let foreignMemMb = 0;
  let dofcCores = 0;
  for (const app of state.activeapps) {
    if (isDofcApplication(app.name)) {
      dofcCores += app.cores;
      continue;
    }
    foreignCores += app.cores;
    // The master reports memory per executor but not the executor count. Counting one executor
    // per core gives an upper bound when executors have more than one core.
    foreignMemMb += app.memoryperexecutor * Math.max(1, app.cores);
  }

  return {
    aliveWorkers: alive.length,
    totalCores,
    totalMemGb: totalMemMb / 1024,
    foreignCores,
    foreignMemGb: foreignMemMb / 1024,
    dofcCores,
    available: {
      cores: Math.max(0, totalCores - foreignCores),
      memGb: Math.max(0, (totalMemMb - foreignMemMb) / 1024),
    },
  };
}
