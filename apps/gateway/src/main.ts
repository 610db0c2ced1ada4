// The gateway process: HTTP API for hospital systems. Validates and registers cases, enqueues one score
// job per expected modality (the deadline goes in the deadlines index), and serves case results. It only produces jobs.
import { configOrExit, createLogger, exitOnSignals, tuneHeapGrowth } from '@lf/observability';
import { redactRedisUrl } from '@lf/redis';
import { gatewayConfigFromEnv } from './config/gateway.config';
import { createGateway } from './create-gateway';

async function main(): Promise<void> {
  const config = configOrExit('gateway', () => gatewayConfigFromEnv(process.env));
  tuneHeapGrowth(config.heapGrowingPercent);

  const logger = createLogger({ app: 'gateway', level: config.logLevel });
  const gateway = await createGateway(config, { logger }).catch((err: Error) => {
    logger.error('gateway failed to start', { err, redis: redactRedisUrl(config.redis.url) });
    process.exit(1);
  });
  const url = await gateway.listen().catch(async (err: Error) => {
    logger.error('gateway could not listen', { err, host: config.host, port: config.port });
    await gateway.close().catch(() => undefined);
    process.exit(1);
  });
  logger.info('gateway listening', {
    url,
    redis: redactRedisUrl(config.redis.url),
    modalities: config.registry.filter((e) => e.enabled).map((e) => e.name),
    tenants: gateway.access.tenants.table.tenantIds,
    tenantsFrom: config.tenants.kind === 'file' ? config.tenants.path : 'LF_API_KEYS',
    defaultStrategy: config.defaultStrategy,
    defaultDeadlineMs: config.defaultDeadlineMs,
  });

  // Key rotation without a restart: re-read the tenants file now (it is also watched and polled).
  process.on('SIGHUP', () => gateway.access.tenants.reload('SIGHUP'));
  exitOnSignals(() => gateway.close(), logger, { announce: 'shutting down: closing the server, finishing in-flight requests', timeoutMs: config.shutdownTimeoutMs });
}

void main();
