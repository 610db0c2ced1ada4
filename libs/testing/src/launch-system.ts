import { freePort } from './free-port';
import { launchApp, type AppSpec, type LaunchedApp } from './launch-app';

export const SYSTEM_APPS = ['gateway', 'imaging-worker', 'tabular-worker', 'vitals-worker', 'fusion-aggregator', 'webhook-dispatcher', 'dashboard'] as const;
export type SystemAppName = (typeof SYSTEM_APPS)[number];
/** What launchSystem starts unless `only` says otherwise: all but the dashboard, which only reads (`npm start` and its own tests ask for it). */
export const DEFAULT_SYSTEM_APPS: readonly SystemAppName[] = SYSTEM_APPS.filter((name) => name !== 'dashboard');

export interface SystemOptions {
  redisUrl: string;
  /** `tenant:key,...` */
  apiKeys: string;
  modelsDir?: string;
  /** Fixed ports (npm start) or free ones (tests, the default). */
  ports?: Partial<Record<SystemAppName, number>>;
  /** Extra environment per app (fault injection, deadlines...). */
  env?: Partial<Record<SystemAppName, Record<string, string>>>;
  /** Launch only these apps (default: DEFAULT_SYSTEM_APPS). */
  only?: readonly SystemAppName[];
  onLine?: (app: string, line: string) => void;
}

export interface RunningSystem {
  apps: Partial<Record<SystemAppName, LaunchedApp>>;
  specs: Record<SystemAppName, AppSpec>;
  gatewayUrl: string;
  /** (Re)start one app with its original spec (after a stop or a SIGKILL). */
  start(name: SystemAppName): Promise<LaunchedApp>;
  stop(): Promise<void>;
}

/** Each app's environment: its own port plus what every app shares. */
export async function systemSpecs(options: SystemOptions): Promise<Record<SystemAppName, AppSpec>> {
  const port = async (name: SystemAppName) => options.ports?.[name] ?? (await freePort());
  const common = {
    REDIS_URL: options.redisUrl,
    LF_MODELS_DIR: options.modelsDir ?? 'models',
    LF_LOG_LEVEL: process.env['LF_LOG_LEVEL'] ?? 'info',
  };
  const specs = {} as Record<SystemAppName, AppSpec>;
  for (const name of SYSTEM_APPS) {
    const p = await port(name);
    const env: Record<string, string> = { ...common, ...(options.env?.[name] ?? {}) };
    if (name === 'gateway') Object.assign(env, { LF_GATEWAY_PORT: String(p), LF_API_KEYS: options.apiKeys });
    else if (name === 'fusion-aggregator') Object.assign(env, { LF_AGGREGATOR_OPS_PORT: String(p) });
    else if (name === 'webhook-dispatcher') Object.assign(env, { LF_WEBHOOK_DISPATCHER_OPS_PORT: String(p) });
    // The API keys (every scope, dashboard:read included) also open the dashboard, unless the env says otherwise.
    else if (name === 'dashboard') Object.assign(env, { LF_DASHBOARD_PORT: String(p), LF_API_KEYS: options.apiKeys, ...(options.env?.dashboard ?? {}) });
    else Object.assign(env, { LF_OPS_PORT: String(p) });
    specs[name] = { name, entry: `apps/${name}/src/main.ts`, env, readyUrl: `http://127.0.0.1:${p}/health/ready` };
  }
  return specs;
}

/** Starts the apps as separate processes (workers and aggregator first, the gateway last) and waits until each is ready. */
export async function launchSystem(options: SystemOptions): Promise<RunningSystem> {
  const specs = await systemSpecs(options);
  const apps: RunningSystem['apps'] = {};
  const wanted = options.only ?? DEFAULT_SYSTEM_APPS;
  const start = async (name: SystemAppName) => {
    const app = await launchApp(specs[name], { onLine: options.onLine });
    apps[name] = app;
    return app;
  };
  const order = [...SYSTEM_APPS.filter((n) => n !== 'gateway'), 'gateway' as const].filter((n) => wanted.includes(n));
  try {
    await Promise.all(order.filter((n) => n !== 'gateway').map(start));
    if (order.includes('gateway')) await start('gateway');
  } catch (error) {
    await Promise.all(Object.values(apps).map((a) => a?.stop()));
    throw error;
  }
  return {
    apps,
    specs,
    gatewayUrl: specs.gateway.readyUrl.replace('/health/ready', ''),
    start,
    stop: async () => {
      // Gateway first so nothing new comes in, then the consumers.
      await apps.gateway?.stop();
      await Promise.all(Object.values(apps).map((a) => a?.stop()));
    },
  };
}
