// The image's HEALTHCHECK: GET http://127.0.0.1:<port>/health/ready of the app named by APP, exit 0 on 200.
// Plain Node (no curl in the slim image, no tsx: it runs every few seconds). The port is found the way the app
// finds it: the first set variable of its list, else its default (.env.example; blank counts as unset).
'use strict';
const http = require('node:http');

/** app -> [port variables in order of precedence, default port]. tools/deploy-tests holds this to .env.example. */
const APP_PORTS = {
  gateway: [['LF_GATEWAY_PORT'], 3000],
  dashboard: [['LF_DASHBOARD_PORT'], 3001],
  'imaging-worker': [['LF_IMAGING_WORKER_OPS_PORT', 'LF_OPS_PORT'], 3011],
  'tabular-worker': [['LF_TABULAR_WORKER_OPS_PORT', 'LF_OPS_PORT'], 3012],
  'vitals-worker': [['LF_VITALS_WORKER_OPS_PORT', 'LF_OPS_PORT'], 3013],
  'fusion-aggregator': [['LF_AGGREGATOR_OPS_PORT'], 3014],
  'webhook-dispatcher': [['LF_WEBHOOK_DISPATCHER_OPS_PORT'], 3015],
};

/** The port `app` serves /health and /metrics on under `env`; throws for an unknown app. */
function appPort(app, env) {
  const entry = APP_PORTS[app];
  if (!entry) throw new Error(`APP='${app ?? ''}' is not one of ${Object.keys(APP_PORTS).join(', ')}`);
  const [names, fallback] = entry;
  for (const name of names) {
    const value = (env[name] ?? '').trim();
    if (value !== '') return Number(value);
  }
  return fallback;
}

function check(env) {
  let port;
  try {
    port = appPort(env.APP, env);
  } catch (error) {
    console.error(`healthcheck: ${error.message}`);
    process.exit(2);
  }
  const req = http.get({ host: '127.0.0.1', port, path: '/health/ready', timeout: 2000 }, (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  });
  req.on('timeout', () => req.destroy(new Error('timed out')));
  req.on('error', (error) => {
    console.error(`healthcheck: ${error.message}`);
    process.exit(1);
  });
}

module.exports = { APP_PORTS, appPort };
if (require.main === module) check(process.env);
