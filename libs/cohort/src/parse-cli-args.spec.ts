import { CliUsageError, parseCliArgs } from './parse-cli-args';

describe('parseCliArgs', () => {
  it('parses every flag, in both --flag value and --flag=value forms', () => {
    expect(
      parseCliArgs(['--seed', '7', '--n=20', '--out', 'tmp/x', '--drop-rate', '0.25', '--image-size=64', '--imaging-format', 'mixed', '--no-natural-missingness', '--no-latent']),
    ).toEqual({
      options: { seed: 7, n: 20, dropRate: 0.25, imageSize: 64, imagingFormat: 'mixed', naturalMissingness: false },
      outDir: 'tmp/x',
      writeLatent: false,
    });
    expect(parseCliArgs(['--seed', '-3', '--n', '0', '--out', 'd'])).toEqual({ options: { seed: -3, n: 0, naturalMissingness: true }, outDir: 'd', writeLatent: true });
    expect(parseCliArgs(['--help'])).toBeNull();
  });

  it.each([
    [['--seed', '1', '--n', 'abc', '--out', 'd'], '--n must be an integer, got "abc"'],
    [['--seed', '1', '--n', '2.5', '--out', 'd'], '--n must be an integer'],
    [['--seed', '1', '--n', '-2', '--out', 'd'], '--n must be >= 0'],
    [['--n', '2', '--out', 'd'], '--seed is required'],
    [['--seed', '1', '--n', '2'], '--out is required'],
    [['--seed', '1', '--n', '2', '--out', 'd', '--drop-rate', '1.5'], '--drop-rate must be a number in [0, 1]'],
    [['--seed', '1', '--n', '2', '--out', 'd', '--drop-rate', 'x'], '--drop-rate must be a number in [0, 1]'],
    [['--seed', '1', '--n', '2', '--out', 'd', '--image-size', '4'], '--image-size must be an integer in 8..4096'],
    [['--seed', '1', '--n', '2', '--out', 'd', '--imaging-format', 'jpeg'], '--imaging-format must be one of dicom | png | raw | mixed'],
    [['--seed', '1', '--n', '2', '--out', 'd', '--verbose'], 'unknown argument "--verbose"'],
    [['--seed', '--n', '2', '--out', 'd'], '--seed needs a value'],
    [['--seed', '1', '--seed', '2', '--n', '2', '--out', 'd'], '--seed given twice'],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
