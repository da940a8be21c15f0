// Build the prebuilt JupyterLab extension into ../dofc/labextension. @jupyterlab/builder needs the
// package.json of the JupyterLab it targets (its shared packages), which ships inside the
// jupyterlab Python package, so this script runs the Python that has JupyterLab to find that file.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, '..');
const venvPython = path.resolve(extensionDir, '..', '.venv', 'bin', 'python');
const python = process.env.DOFC_PYTHON ?? (existsSync(venvPython) ? venvPython : 'python3');

// pip's isolated build environment sets PYTHONPATH to a sitecustomize that hides site-packages,
// and this script runs inside it when pip builds the wheel, so the interpreter gets a clean one.
const pythonEnv = { ...process.env };
delete pythonEnv.PYTHONPATH;
delete pythonEnv.PYTHONNOUSERSITE;
delete pythonEnv.PYTHONHOME;

let corePath;
try {
  corePath = execFileSync(python, ['-c', 'import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), "staging"))'], {
    encoding: 'utf8',
    env: pythonEnv,
  }).trim();
} catch (error) {
  console.error(`build-labextension: ${python} cannot import jupyterlab (${error.message.split('\n')[0]}).`);
  console.error('Install JupyterLab 4 into it (pip install "jupyterlab>=4.2,<5") or set DOFC_PYTHON to a Python that has it.');
  process.exit(2);
}

const mode = process.argv.includes('--development') ? ['--development'] : [];
const result = spawnSync('npx', ['build-labextension', ...mode, '--core-path', corePath, extensionDir], {
  cwd: extensionDir,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
