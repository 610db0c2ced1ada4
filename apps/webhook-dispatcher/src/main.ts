// The webhook dispatcher process: consumes the "webhooks" queue (one job per finalized case and registered
// webhook, enqueued by the fusion aggregator), builds each signed case.finalized delivery from the stored
// result and POSTs it with libs/webhooks; BullMQ retries failures with backoff and keeps the last failure.
import { ConfigError, createLogger } from '@lf/observability';
import { bootstrapDispatcher } from './bootstrap-dispatcher';
import { dispatcherConfigFromEnv, type DispatcherConfig } from './config/dispatcher.config';

async function main(): Promise<void> {
  let config: DispatcherConfig;
  try {
    config = dispatcherConfigFromEnv(process.env);
  } catch (error) {
    createLogger({ app: 'webhook-dispatcher' }).error(error instanceof ConfigError ? error.message : `configuration error: ${(error as Error).message}`);
    process.exit(78); // EX_CONFIG
  }
  const running = await bootstrapDispatcher(config).catch(() => process.exit(1));

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
