import { IMAGING_FORMAT_OPTIONS, type CohortOptions, type ImagingFormatOption } from './cohort-options';

export interface CliArgs {
  options: CohortOptions;
  outDir: string;
  /** Also write latent.jsonl (the hidden state per case, for analysis; never a model input). */
  writeLatent: boolean;
}

export const CLI_USAGE = `Usage: npm run cohort -- --seed S --n N --out DIR [options]

  --seed S                      integer seed (required)
  --n N                         number of cases, integer >= 0 (required)
  --out DIR                     output directory, created if missing (required)
  --drop-rate R                 drop each present modality with probability R in [0, 1] (default 0)
  --image-size P                image width/height in pixels, 8..4096 (default 256)
  --imaging-format F            dicom | png | raw | mixed (default dicom)
  --no-natural-missingness      render all three modalities for every case (before --drop-rate)
  --no-latent                   do not write DIR/latent.jsonl
  --help                        show this text

Writes DIR/cases.jsonl ({"label","request"} per line) and DIR/latent.jsonl.`;

/** Thrown for a bad command line; the message names the flag and the expected value. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** Parses argv (without node and script); returns null when --help was asked for. */
export function parseCliArgs(argv: readonly string[]): CliArgs | null {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const valued = new Set(['--seed', '--n', '--out', '--drop-rate', '--image-size', '--imaging-format']);
  const booleans = new Set(['--no-natural-missingness', '--no-latent', '--help']);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (booleans.has(flag)) {
      if (eq > 0) throw new CliUsageError(`${flag} takes no value`);
      switches.add(flag);
    } else if (valued.has(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++k];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new CliUsageError(`${flag} needs a value`);
      if (values.has(flag)) throw new CliUsageError(`${flag} given twice`);
      values.set(flag, value);
    } else {
      throw new CliUsageError(`unknown argument "${arg}"`);
    }
  }
  if (switches.has('--help')) return null;

  const seed = integer('--seed', required('--seed'));
  const n = integer('--n', required('--n'));
  if (n < 0) throw new CliUsageError(`--n must be >= 0, got "${values.get('--n')}"`);
  const outDir = required('--out');
  if (outDir.trim() === '') throw new CliUsageError('--out must not be empty');

  const options: CohortOptions = { seed, n, naturalMissingness: !switches.has('--no-natural-missingness') };
  const dropRate = values.get('--drop-rate');
  if (dropRate !== undefined) {
    const r = Number(dropRate);
    if (!/^\s*[0-9.eE+-]+\s*$/.test(dropRate) || !Number.isFinite(r) || r < 0 || r > 1) {
      throw new CliUsageError(`--drop-rate must be a number in [0, 1], got "${dropRate}"`);
    }
    options.dropRate = r;
  }
  const imageSize = values.get('--image-size');
  if (imageSize !== undefined) {
    const p = integer('--image-size', imageSize);
    if (p < 8 || p > 4096) throw new CliUsageError(`--image-size must be an integer in 8..4096, got "${imageSize}"`);
    options.imageSize = p;
  }
  const format = values.get('--imaging-format');
  if (format !== undefined) {
    if (!(IMAGING_FORMAT_OPTIONS as readonly string[]).includes(format)) {
      throw new CliUsageError(`--imaging-format must be one of ${IMAGING_FORMAT_OPTIONS.join(' | ')}, got "${format}"`);
    }
    options.imagingFormat = format as ImagingFormatOption;
  }
  return { options, outDir, writeLatent: !switches.has('--no-latent') };

  function required(flag: string): string {
    const value = values.get(flag);
    if (value === undefined) throw new CliUsageError(`${flag} is required`);
    return value;
  }
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new CliUsageError(`${flag} must be an integer, got "${text}"`);
  }
  return value;
}
