import { describe, expect, it } from 'vitest';
import { clusterLoad, findActiveApplication, type MasterState } from '../../../src/executors/spark/master-client.js';

function worker(id: string, state: string, cores: number, memory: number) {
  return { id, host: '127.0.0.1', state, cores, coresused: 0, memory, memoryused: 0 };
}

function app(id: string, name: string, cores: number, memoryperexecutor: number, state = 'RUNNING') {
  return { id, name, cores, memoryperexecutor, state, starttime: 0 };
}

const STATE: MasterState = {
  url: 'spark://127.0.0.1:7077',
  status: 'ALIVE',
  workers: [worker('w1', 'ALIVE', 4, 8192), worker('w2', 'ALIVE', 4, 8192), worker('w3', 'DEAD', 4, 8192)],
  aliveworkers: 2,
  cores: 8,
  coresused: 5,
  memory: 16384,
  memoryused: 3072,
  activeapps: [app('app-1', 'dofc-job-3-attempt-1', 2, 1024), app('app-2', 'etl-nightly', 3, 512), app('app-3', 'dofc-job-4-attempt-2', 0, 1024, 'WAITING')],
  completedapps: [app('app-0', 'dofc-job-1-attempt-1', 0, 1024, 'FINISHED')],
};

describe('clusterLoad', () => {
  const load = clusterLoad(STATE, (name) => name.startsWith('dofc-job-'));

  it('counts only alive workers', () => {
    expect(load.aliveWorkers).toBe(2);
    expect(load.totalCores).toBe(8);
    expect(load.totalMemGb).toBe(16);
  });

  it('counts applications not started by DOFC as load', () => {
    expect(load.foreignCores).toBe(3);
    expect(load.foreignMemGb).toBe(1.5);
    expect(load.available).toEqual({ cores: 5, memGb: 14.5 });
  });

  it('leaves DOFC applications to the scheduler', () => {
    expect(load.dofcCores).toBe(2);
  });
});

describe('findActiveApplication', () => {
  it('finds a waiting application by name', () => {
    expect(findActiveApplication(STATE, 'dofc-job-4-attempt-2')?.id).toBe('app-3');
  });

  it('ignores completed applications', () => {
    expect(findActiveApplication(STATE, 'dofc-job-1-attempt-1')).toBeNull();
  });
});
