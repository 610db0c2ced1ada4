// The configuration the manifests hand the apps: the lf-config ConfigMap is .env.example with a short, fixed
// list of container values; the secrets' formats are the ones the apps validate at boot.
import { tenantsFileSchema } from '@lf/contracts';
import { parseRedisUrl } from '@lf/redis';
import { kustomizeBuild, ofKind, type K8sObject } from './support/kustomize';
import { parseEnvFile, parseYamlStream, readEnvExample, readRepoFile } from './support/workspace';

/** Not in the ConfigMap: secrets, and the tenants path that only the Deployments mounting the Secret set. */
const NOT_IN_CONFIGMAP = ['REDIS_URL', 'LF_API_KEYS', 'LF_DASHBOARD_KEYS', 'LF_TENANTS_FILE'];
/** The only values that differ from .env.example in a cluster (k8s/base/config.env says why). */
const CLUSTER_VALUES: Record<string, string> = {
  LF_MODELS_DIR: '/app/models',
  LF_GATEWAY_HOST: '0.0.0.0',
  LF_DASHBOARD_HOST: '0.0.0.0',
  LF_SHUTDOWN_TIMEOUT_MS: '15000',
  LF_DASHBOARD_COOKIE_SECURE: 'true',
};

describe('k8s/base/config.env', () => {
  const config = parseEnvFile(readRepoFile('k8s/base/config.env'));
  const example = readEnvExample().active;

  it('sets every variable .env.example sets, but the secrets (add a new variable to both files)', () => {
    const expected = [...example.keys()].filter((k) => !NOT_IN_CONFIGMAP.includes(k));
    expect([...config.keys()]).toEqual(expected);
  });

  it('keeps .env.example defaults except the listed cluster values', () => {
    const differing = Object.fromEntries([...config].filter(([k, v]) => example.get(k) !== v));
    expect(differing).toEqual(CLUSTER_VALUES);
  });
});

describe.each(['k8s/overlays/dev', 'k8s/overlays/prod'])('%s lf-config', (overlay) => {
  it('is config.env (dev: plain-http dashboard cookie)', () => {
    const maps = ofKind(kustomizeBuild(overlay), 'ConfigMap');
    expect(maps).toHaveLength(1);
    const expected = Object.fromEntries(parseEnvFile(readRepoFile('k8s/base/config.env')));
    if (overlay.endsWith('dev')) expected['LF_DASHBOARD_COOKIE_SECURE'] = 'false';
    expect(maps[0].data).toEqual(expected);
  });
});

describe('secret formats', () => {
  const decode = (s: K8sObject, key: string) => Buffer.from(s.data![key], 'base64').toString('utf8');
  const devSecret = (prefix: string) => ofKind(kustomizeBuild('k8s/overlays/dev'), 'Secret').find((s) => s.metadata.name.startsWith(prefix))!;

  it('the dev tenants file is a valid tenants file whose key is the documented sandbox key', () => {
    const tenants = tenantsFileSchema.parse(JSON.parse(decode(devSecret('lf-tenants'), 'tenants.json')));
    const example = tenantsFileSchema.parse(JSON.parse(readRepoFile('tenants.example.json')));
    const sandbox = example.tenants.find((t) => t.id === 'local-sandbox')!.keys[0];
    expect(tenants.tenants[0].keys.map((k) => [k.sha256, [...k.scopes].sort()])).toEqual([[sandbox.sha256, [...sandbox.scopes].sort()]]);
  });

  it('every REDIS_URL shipped or templated parses as the apps parse it', () => {
    expect(parseRedisUrl(decode(devSecret('lf-redis'), 'REDIS_URL'))).toMatchObject({ kind: 'standalone', host: 'redis', port: 6379 });
    const template = (parseYamlStream(readRepoFile('k8s/base/secrets.example.yaml')) as K8sObject[]).find((s) => s.metadata.name === 'lf-redis')!;
    expect(parseRedisUrl(template.stringData!['REDIS_URL'])).toMatchObject({ kind: 'standalone', tls: true });
  });

  it("the template's tenants.json is a placeholder the gateway would refuse (no usable key can slip through)", () => {
    const template = (parseYamlStream(readRepoFile('k8s/base/secrets.example.yaml')) as K8sObject[]).find((s) => s.metadata.name === 'lf-tenants')!;
    const parsed = tenantsFileSchema.safeParse(JSON.parse(template.stringData!['tenants.json']));
    expect(parsed.success).toBe(false);
  });
});
