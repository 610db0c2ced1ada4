/**
 * Prints the oracle AUROC figures quoted in the README:
 *   npx tsx libs/cohort/test/oracle-report.ts [seed] [n] [imageSize]
 */
import { evaluateOracle } from './oracle-evaluation';

const [seed = 2024, n = 20000, imageSize = 96] = process.argv.slice(2).map(Number);
const started = Date.now();
const report = evaluateOracle(seed, n, imageSize);
const fmt = (x: number) => x.toFixed(3);
console.log(`seed ${seed}, n ${n}, image ${imageSize}px, ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`prevalence ${(100 * report.prevalence).toFixed(1)} %`);
console.log(`AUROC (second half, oracle fitted on first half): imaging ${fmt(report.imaging)}, tabular ${fmt(report.tabular)}, vitals ${fmt(report.vitals)}, combined ${fmt(report.combined)}, latent ceiling ${fmt(report.latentCeiling)}`);
