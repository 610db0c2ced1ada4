/** `npm run lf -- <command>`: the late-fusion command line (see run-cli.ts for the commands). */
import { LateFusionClient } from '../late-fusion-client';
import { runCli } from './run-cli';

const DEV_KEY = 'lf-dev-local-key-not-secret';

const client = new LateFusionClient({
  baseUrl: process.env['LF_GATEWAY_URL'] ?? 'http://127.0.0.1:3000',
  apiKey: process.env['LF_API_KEY'] ?? DEV_KEY,
});

runCli(process.argv.slice(2), {
  client,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
