// The fusion aggregator process: consumes the "fusion" queue and finalizes each case exactly once (when all
// expected modalities replied or its deadline passed), fuses with libs/fusion and stores the result; a
// deadline sweeper is the safety net for lost delayed jobs and crashed finalizations.
import { ConfigError, createLogger } from '@lf/observability';
import { bootstrapAggregator } from './bootstrap-aggregator';
import { aggregatorConfigFromEnv, type AggregatorConfig } from './config/aggregator.config';

async function main(): Promise<void> {
  let config: AggregatorConfig;
  try {
    config = aggregatorConfigFromEnv(process.env);
  } catch (error) {
    createLogger({ app: 'fusion-aggregator' }).error(error instanceof ConfigError ? error.message : `configuration error: ${(error as Error).message}`);
    process.exit(78); // EX_CONFIG
  }
  const running = await bootstrapAggregator(config).catch(() => process.exit(1));

  const stop = (signal: NodeJS.Signals) => {
    running.shutdown(signal).then(
      () => process.exit(0),
      (err: Error) => {
        running.logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
