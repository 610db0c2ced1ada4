// Every kustomization builds with the real kustomize (kubectl kustomize) and every object it produces is valid
// against the Kubernetes OpenAPI schema (kubernetes-models), strictly (no unknown fields).
import { kustomizeBuild, kustomizeVariant, kustomizeVersion, objectId, ofKind, type K8sObject } from './support/kustomize';
import { schemaErrors, strictFieldErrors } from './support/k8s-schema';

const BUILDS: Record<string, () => K8sObject[]> = {
  'overlays/dev': () => kustomizeBuild('k8s/overlays/dev'),
  'overlays/prod': () => kustomizeBuild('k8s/overlays/prod'),
  monitoring: () => kustomizeBuild('k8s/monitoring'),
  // The optional components that no overlay enables by default, so they are built and validated too.
  'base + prometheus-adapter + redis-tls-ca': () =>
    kustomizeVariant('components', { resources: ['k8s/base'], components: ['k8s/components/prometheus-adapter', 'k8s/components/redis-tls-ca'] }),
};

describe('kustomize builds', () => {
  it('uses kustomize v5 (kubectl kustomize): components and labels need it', () => {
    expect(Number(kustomizeVersion().split('.')[0])).toBeGreaterThanOrEqual(5);
  });

  describe.each(Object.keys(BUILDS))('%s', (name) => {
    let objects: K8sObject[];
    beforeAll(() => {
      objects = BUILDS[name]();
    });

    it('builds, with unique object names', () => {
      expect(objects.length).toBeGreaterThan(0);
      const ids = objects.map(objectId);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    });

    it('every object validates against the Kubernetes OpenAPI schema', () => {
      const problems = objects.flatMap((o) => schemaErrors(o).map((e) => `${objectId(o)}: ${e}`));
      expect(problems).toEqual([]);
    });

    it('no object has an unknown or misplaced field', () => {
      expect(strictFieldErrors(objects)).toEqual([]);
    });

    it('every namespaced object is in one namespace', () => {
      const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
      expect([...namespaces]).toEqual([name === 'monitoring' ? 'monitoring' : 'late-fusion']);
    });
  });

  it('the validators reject what they should (a wrong type, an unknown field)', () => {
    const deployment = structuredClone(ofKind(kustomizeBuild('k8s/overlays/dev'), 'Deployment')[0]);
    (deployment.spec as Record<string, unknown>)['replicas'] = 'two';
    expect(schemaErrors(deployment).join('\n')).toContain('replicas');
    const typo = structuredClone(ofKind(kustomizeBuild('k8s/overlays/dev'), 'Deployment')[0]);
    const container = (typo.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0];
    container['readinesProbe'] = container['readinessProbe'];
    delete container['readinessProbe'];
    expect(strictFieldErrors([typo]).join('\n')).toMatch(/readinesProbe/);
  });
});

describe('secrets', () => {
  it('overlays/prod ships no Secret: the real ones are created outside kustomize (k8s/base/secrets.example.yaml)', () => {
    expect(ofKind(kustomizeBuild('k8s/overlays/prod'), 'Secret')).toEqual([]);
  });

  it('overlays/dev generates both Secrets with development values only', () => {
    const secrets = ofKind(kustomizeBuild('k8s/overlays/dev'), 'Secret');
    const byName = Object.fromEntries(secrets.map((s) => [s.metadata.name.replace(/-[a-z0-9]{10}$/, ''), s]));
    expect(Object.keys(byName).sort()).toEqual(['lf-redis', 'lf-tenants']);
    const decode = (s: K8sObject, key: string) => Buffer.from(s.data?.[key] ?? '', 'base64').toString('utf8');
    expect(decode(byName['lf-redis'], 'REDIS_URL')).toBe('redis://redis:6379');
    expect(JSON.parse(decode(byName['lf-tenants'], 'tenants.json')).tenants).toHaveLength(1);
  });
});

describe('images', () => {
  const images = (objects: K8sObject[]) =>
    ofKind(objects, 'Deployment').flatMap((d) => (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers.map((c) => c.image));

  it('overlays/prod pins every app image by digest (one image for all apps)', () => {
    const prod = images(kustomizeBuild('k8s/overlays/prod'));
    expect(prod).toHaveLength(7);
    for (const image of prod) expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(new Set(prod).size).toBe(1);
  });

  it('overlays/dev runs the locally built late-fusion:dev', () => {
    expect(new Set(images(kustomizeBuild('k8s/overlays/dev')))).toEqual(new Set(['late-fusion:dev']));
  });
});
