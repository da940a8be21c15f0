import type { SparkWork } from './spark-progress.js';

/** How far spark.ui.port may have moved: Spark tries the next port up to spark.port.maxRetries (16) times. */
const PORT_RETRIES = 16;
// A driver on a busy machine can take seconds to respond to its first REST request.
const REQUEST_TIMEOUT_MS = 10_000;

interface RestApplication {
  id: string;
  name: string;
}

interface RestJob {
  status: string;
  numTasks: number;
  numCompletedTasks: number;
  numSkippedTasks: number;
}

interface RestStage {
  status: string;
  numTasks: number;
  numCompleteTasks: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
}

/** A driver's monitoring REST API, found for one application. */
export interface DriverApi {
  baseUrl: string;
  appId: string;
}

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    // The driver is starting, gone, or the port belongs to something else.
    return null;
  }
}

/**
 * Find the REST API of the driver that runs application `name`, starting at the port it was
 * given. Another driver may hold that port, so each candidate is checked by application name.
 */
export async function findDriverApi(host: string, uiPort: number, name: string): Promise<DriverApi | null> {
  for (let port = uiPort; port <= uiPort + PORT_RETRIES; port++) {
    const baseUrl = `http://${host}:${port}/api/v1`;
    const apps = await getJson<RestApplication[]>(`${baseUrl}/applications`);
    const app = apps?.find((candidate) => candidate.name === name);
    if (app !== undefined) return { baseUrl, appId: app.id };
  }
  return null;
}

/** Read jobs and stages from the driver's REST API; null when the driver no longer responds. */
export async function readDriverWork(api: DriverApi): Promise<SparkWork | null> {
  const base = `${api.baseUrl}/applications/${api.appId}`;
  const [jobs, stages] = await Promise.all([getJson<RestJob[]>(`${base}/jobs`), getJson<RestStage[]>(`${base}/stages`)]);
  if (jobs === null || stages === null) return null;

  const ran = stages.filter((stage) => stage.status !== 'SKIPPED');
  return {
    jobsDone: jobs.filter((job) => job.status === 'SUCCEEDED').length,
    jobsTotal: jobs.length,
    stagesDone: ran.filter((stage) => stage.status === 'COMPLETE').length,
    stagesTotal: ran.length,
    tasksDone: ran.reduce((sum, stage) => sum + Math.min(stage.numCompleteTasks, stage.numTasks), 0),
    tasksTotal: ran.reduce((sum, stage) => sum + stage.numTasks, 0),
    shuffleReadBytes: ran.reduce((sum, stage) => sum + stage.shuffleReadBytes, 0),
    shuffleWriteBytes: ran.reduce((sum, stage) => sum + stage.shuffleWriteBytes, 0),
  };
}

/** Read the application's Spark properties from the driver's `/environment` endpoint. */
export async function readDriverSparkProperties(api: DriverApi): Promise<Map<string, string> | null> {
  const environment = await getJson<{ sparkProperties: [string, string][] }>(`${api.baseUrl}/applications/${api.appId}/environment`);
  return environment === null ? null : new Map(environment.sparkProperties);
}
