import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { startService } from '../../service.js';
import { CliError, EXIT } from '../client.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the scheduler and its HTTP API (embedded database unless DATABASE_URL is set).')
    .option('--port <n>', 'TCP port to listen on (default 8780, or DOFC_PORT)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1, or DOFC_HOST)')
    .option('--data-dir <dir>', 'folder for the embedded database and job files (default ./.dofc, or DOFC_DATA_DIR)')
    .action(async (options: { port?: string; host?: string; dataDir?: string }) => {
      const overrides: Parameters<typeof loadConfig>[1] = {};
      if (options.port !== undefined) {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new CliError(`--port ${options.port} is invalid; give a whole number from 0 to 65535.`, EXIT.invalidInput);
        }
        overrides.port = port;
      }
      if (options.host !== undefined) overrides.host = options.host;
      if (options.dataDir !== undefined) overrides.dataDir = options.dataDir;

      let config;
      try {
        config = loadConfig(process.env, overrides);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.invalidInput);
      }
      const logger = createLogger();
      let service: Awaited<ReturnType<typeof startService>>;
      try {
        service = await startService(config, logger);
      } catch (error) {
        throw new CliError(`The scheduler did not start: ${(error as Error).message}`, EXIT.failure);
      }

      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down; running jobs keep running and are found again on restart');
        service.close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}
