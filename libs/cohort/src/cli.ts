/** Entry point of `npm run cohort -- ...`; all logic lives in run-cli.ts so tests can call it in-process. */
import { runCli } from './run-cli';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cohort: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
