import { createRequire } from 'node:module';
import { repoPath, type SystemAppName } from './workspace';

/** docker/healthcheck.js (plain CommonJS, so the image runs it without tsx): its port table and resolver. */
export interface HealthcheckModule {
  APP_PORTS: Record<string, [string[], number]>;
  appPort(app: string | undefined, env: Record<string, string | undefined>): number;
}

export const healthcheck = createRequire(__filename)(repoPath('docker/healthcheck.js')) as HealthcheckModule;

/** The port an app listens on (health, metrics, and the API for the gateway and dashboard) by default. */
export const defaultPort = (app: SystemAppName): number => healthcheck.appPort(app, {});
