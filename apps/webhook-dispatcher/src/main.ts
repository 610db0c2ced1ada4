// The webhook dispatcher process: consumes the "webhooks" queue (one job per finalized case and registered
// webhook, enqueued by the fusion aggregator), builds each signed case.finalized delivery from the stored
// result and POSTs it with libs/webhooks; BullMQ retries failures with backoff and keeps the last failure.
import { configOrExit, exitOnSignals } from '@lf/observability';
import { bootstrapDispatcher } from './bootstrap-dispatcher';
import { dispatcherConfigFromEnv } from './config/dispatcher.config';

async function main(): Promise<void> {
  const config = configOrExit('webhook-dispatcher', () => dispatcherConfigFromEnv(process.env));
  const running = await bootstrapDispatcher(config).catch(() => process.exit(1));
  // The shutdown logs its own progress (stop consuming, wait for in-flight jobs within the bound).
  exitOnSignals((signal) => running.shutdown(signal), running.logger);
}

void main();
