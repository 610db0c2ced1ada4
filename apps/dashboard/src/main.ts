// The dashboard process: queue health, fusion health and Redis for the people who run the system, as a
// web page (/) with live charts, a JSON API (/api/*) and a read-only job list (/jobs). It only reads Redis.
import { configOrExit, createLogger, exitOnSignals } from '@lf/observability';
import { redactRedisUrl } from '@lf/redis';
import { dashboardConfigFromEnv } from './config/dashboard.config';
import { createDashboard } from './create-dashboard';

async function main(): Promise<void> {
  const config = configOrExit('dashboard', () => dashboardConfigFromEnv(process.env));

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

  exitOnSignals(() => dashboard.close(), logger, { announce: 'shutting down: ending live streams, closing the server', timeoutMs: config.shutdownTimeoutMs });
}

void main();
