/**
 * `npm run evaluate [-- --seed S --n N --models DIR --out FILE]`: scores a held-out synthetic cohort
 * (seed 2026 is never used in training) with the committed models and writes reports/evaluation.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { evaluateModels, formatEvaluationTable } from '../evaluation/evaluate-models';

export const EVALUATION_SEED = 2026;

function parseArgs(argv: string[]) {
  const args = { seed: EVALUATION_SEED, n: 5000, models: 'models', out: 'reports/evaluation.json' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--seed' || flag === '--n') {
      const num = Number(value);
      if (!Number.isInteger(num) || num <= 0) throw new Error(`${flag} must be a positive integer, got '${value}'`);
      args[flag === '--seed' ? 'seed' : 'n'] = num;
    } else if (flag === '--models') args.models = value;
    else if (flag === '--out') args.out = value;
    else throw new Error(`unknown argument '${flag}' (expected --seed, --n, --models, --out)`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const report = await evaluateModels({ modelsRoot: args.models, seed: args.seed, n: args.n, log: (l) => console.error(l) });
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(report, null, 2) + '\n');
  console.log(formatEvaluationTable(report));
  console.log(`\nwrote ${args.out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
