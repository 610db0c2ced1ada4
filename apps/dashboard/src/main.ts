// The dashboard process: queue health, fusion health and Redis for the people who run the system, as a
// web page (/) with live charts, a JSON API (/api/*) and a read-only job list (/jobs). It only reads Redis.
import { ConfigError, createLogger } from '@lf/observability';
import { redactRedisUrl } from '@lf/redis';
import { dashboardConfigFromEnv, type DashboardConfig } from './config/dashboard.config';
import { createDashboard } from './create-dashboard';

async function main(): Promise<void> {
  let config: DashboardConfig;
  try {
    config = dashboardConfigFromEnv(process.env);
  } catch (error) {
    createLogger({ app: 'dashboard' }).error(error instanceof ConfigError ? error.message : `configuration error: ${(error as Error).message}`);
    process.exit(78); // EX_CONFIG
  }

  const logger = createLogger({ app: 'dashboard', level: config.logLevel });
  for (const warning of config.warnings) logger.warn(warning);
  const dashboard = await createDashboard(config, { logger }).catch((err: Error) => {
    logger.error('dashboard failed to start', { err, redis: redactRedisUrl(config.redis.url) });
    process.exit(1);
  });
  const url = await dashboard.listen().catch(async (err: Error) => {
    logger.error('dashboard could not listen', { err, host: config.host, port: config.port });
    await dashboard.close().catch(() => undefined);
    process.exit(1);
  });
  logger.info('dashboard listening', {
    url,
    redis: redactRedisUrl(config.redis.url),
    queues: config.queues.map((q) => q.name),
    keys: dashboard.keys.size,
    keysFrom: [config.keys.tenantsFile ? 'LF_TENANTS_FILE' : undefined, config.keys.static.length > 0 ? 'LF_DASHBOARD_KEYS/LF_API_KEYS' : undefined].filter(Boolean),
    sampleMs: config.sampleMs,
    thresholds: config.thresholds,
  });

  const stop = (signal: NodeJS.Signals) => {
    logger.info('shutting down: ending live streams, closing the server', { signal, timeoutMs: config.shutdownTimeoutMs });
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    dashboard.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: Error) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
