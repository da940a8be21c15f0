import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { CliError, EXIT } from './client.js';
import { registerCancelCommand } from './commands/cancel.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerOutputCommand } from './commands/output.js';
import { registerPreflightCommand } from './commands/preflight.js';
import { registerEtaEvalCommand } from './commands/eta-eval.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerReportCommand } from './commands/report.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerTokenCommand } from './commands/token.js';

/** Build the `dofc` command line. Exit codes: 0 success, 2 invalid input, 1 any other failure. */
export function buildProgram(): Command {
  const program = new Command('dofc')
    .description('DOFC: fair sharing of one compute cluster for notebooks and heavy jobs.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  registerServeCommand(program);
  registerSubmitCommand(program);
  registerTokenCommand(program);
  registerStatusCommand(program);
  registerCancelCommand(program);
  registerLogsCommand(program);
  registerOutputCommand(program);
  registerReportCommand(program);
  registerReplayCommand(program);
  registerPreflightCommand(program);
  registerEtaEvalCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`dofc: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      // Help and version end through here with code 0; a usage mistake is invalid input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    process.stderr.write(`dofc: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failure;
  }
}

// `serve` returns once it listens and keeps the process alive through its server.
process.exitCode = await main(process.argv);
