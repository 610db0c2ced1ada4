// The fusion aggregator process: consumes the "fusion" queue and finalizes each case exactly once (when all
// expected modalities replied or its deadline passed), fuses with libs/fusion and stores the result; a
// deadline sweeper over the deadlines index finalizes cases at their deadline and redoes crashed finalizations.
import { configOrExit, exitOnSignals, tuneHeapGrowth } from '@lf/observability';
import { bootstrapAggregator } from './bootstrap-aggregator';
import { aggregatorConfigFromEnv } from './config/aggregator.config';

async function main(): Promise<void> {
  const config = configOrExit('fusion-aggregator', () => aggregatorConfigFromEnv(process.env));
  tuneHeapGrowth(config.heapGrowingPercent);
  const running = await bootstrapAggregator(config).catch(() => process.exit(1));
  // The shutdown logs its own progress (stop consuming, wait for in-flight jobs within the bound).
  exitOnSignals((signal) => running.shutdown(signal), running.logger);
}

void main();
