/**
 * `npm run train` reproduces the committed models from their seeds (FULL, about 15-20 min on 2 cores);
 * `npm run train -- --smoke` runs the whole pipeline on a tiny cohort into tmp/models-smoke.
 * `--out DIR` writes elsewhere (e.g. to compare against the committed models).
 */
import { FULL_TRAINING, SMOKE_TRAINING } from '../config/training-config';
import { trainAll } from '../pipeline/train-all';

function parseArgs(argv: string[]) {
  const args = { smoke: false, out: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--smoke') args.smoke = true;
    else if (argv[i] === '--out') args.out = argv[++i];
    else throw new Error(`unknown argument '${argv[i]}' (expected --smoke, --out DIR)`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const config = { ...(args.smoke ? SMOKE_TRAINING : FULL_TRAINING) };
  if (args.out) config.outDir = args.out;
  console.log(`training ${config.smoke ? 'SMOKE' : 'FULL'} models ${config.version} into ${config.outDir}`);
  await trainAll(config, (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
