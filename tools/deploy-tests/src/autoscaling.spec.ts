// Autoscaling: the gateway on CPU (HPA); each modality worker on its queue's backlog, with KEDA (overlays/prod)
// or with an HPA on the External metric served by prometheus-adapter (components/prometheus-adapter). Both read
// lf_queue_backlog_jobs, the gateway's gauge of wait + paused + prioritized + delayed per queue.
import { kustomizeBuild, kustomizeVariant, named, ofKind, type K8sObject } from './support/kustomize';
import { readRepoFile, WORKER_QUEUES } from './support/workspace';

interface ScaleTarget {
  apiVersion?: string;
  kind?: string;
  name: string;
}
interface Hpa {
  scaleTargetRef: ScaleTarget;
  minReplicas?: number;
  maxReplicas: number;
  metrics: {
    type: string;
    resource?: { name: string; target: { type: string; averageUtilization?: number } };
    external?: { metric: { name: string; selector?: { matchLabels?: Record<string, string> } }; target: { type: string; averageValue?: string } };
  }[];
}
interface ScaledObject {
  scaleTargetRef: ScaleTarget;
  minReplicaCount?: number;
  maxReplicaCount?: number;
  fallback?: { failureThreshold: number; replicas: number };
  triggers: { type: string; metricType?: string; metadata: Record<string, string> }[];
}

/** Deployment name -> the autoscalers (HPA or ScaledObject) that target it. */
function autoscalers(build: K8sObject[]): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  const add = (target: ScaleTarget, by: string) => {
    expect(target.kind ?? 'Deployment').toBe('Deployment');
    byTarget.set(target.name, [...(byTarget.get(target.name) ?? []), by]);
  };
  for (const h of ofKind(build, 'HorizontalPodAutoscaler')) add((h.spec as unknown as Hpa).scaleTargetRef, `HPA/${h.metadata.name}`);
  for (const s of ofKind(build, 'ScaledObject')) add((s.spec as unknown as ScaledObject).scaleTargetRef, `ScaledObject/${s.metadata.name}`);
  return byTarget;
}

const replicasField = (build: K8sObject[], name: string) => (named(build, 'Deployment', name).spec as { replicas?: number }).replicas;

it('the metric the workers scale on is the one the gateway exports', () => {
  const source = readRepoFile('apps/gateway/src/auth/access-metrics.ts');
  expect(source).toMatch(/name: 'lf_queue_backlog_jobs'[^}]*labelNames: \['queue'\]/);
});

describe.each(['k8s/overlays/dev', 'k8s/overlays/prod'])('%s: the gateway', (overlay) => {
  it('scales on CPU with an HPA that owns its replica count', () => {
    const build = kustomizeBuild(overlay);
    const hpa = named(build, 'HorizontalPodAutoscaler', 'gateway').spec as unknown as Hpa;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    expect(hpa.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas!);
    // spec.replicas in the manifest would reset the autoscaled count on every apply.
    expect(replicasField(build, 'gateway')).toBeUndefined();
  });
});

describe('overlays/prod: KEDA', () => {
  let build: K8sObject[];
  beforeAll(() => {
    build = kustomizeBuild('k8s/overlays/prod');
  });

  it('has one ScaledObject per modality worker and no Deployment with two autoscalers', () => {
    expect(ofKind(build, 'ScaledObject').map((s) => s.metadata.name).sort()).toEqual([...WORKER_QUEUES.keys()].sort());
    for (const [target, by] of autoscalers(build)) expect({ target, by: by.length }).toEqual({ target, by: 1 });
  });

  it.each([...WORKER_QUEUES])('%s scales on the backlog of the "%s" queue through Prometheus', (worker, queue) => {
    const spec = named(build, 'ScaledObject', worker).spec as unknown as ScaledObject;
    expect(spec.scaleTargetRef.name).toBe(worker);
    expect(replicasField(build, worker)).toBeUndefined();
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount!);
    expect(spec.triggers).toHaveLength(1);
    const [trigger] = spec.triggers;
    expect(trigger.type).toBe('prometheus');
    // AverageValue: desired = ceil(backlog / threshold); KEDA's fallback only works with it.
    expect(trigger.metricType).toBe('AverageValue');
    expect(Number(trigger.metadata['threshold'])).toBeGreaterThan(0);
    expect(trigger.metadata['serverAddress']).toMatch(/^https?:\/\//);
    // max, not sum: each gateway replica exports the same sample of the same queue.
    const query = trigger.metadata['query'].replace(/\s+/g, '');
    expect(query).toBe(`max(lf_queue_backlog_jobs{namespace="late-fusion",queue="${queue}"})`);
    // A missing series (no gateway scraped) must be an error, so the fallback replica count applies.
    expect(trigger.metadata['ignoreNullValues']).toBe('false');
    expect(spec.fallback?.replicas).toBeGreaterThanOrEqual(spec.minReplicaCount!);
  });
});

describe('components/prometheus-adapter (clusters without KEDA)', () => {
  let build: K8sObject[];
  beforeAll(() => {
    build = kustomizeVariant('adapter', { resources: ['k8s/base'], components: ['k8s/components/prometheus-adapter'] });
  });

  it('has one HPA per modality worker besides the gateway, and no Deployment with two autoscalers', () => {
    expect(ofKind(build, 'HorizontalPodAutoscaler').map((h) => h.metadata.name).sort()).toEqual(['gateway', ...WORKER_QUEUES.keys()].sort());
    for (const [target, by] of autoscalers(build)) expect({ target, by: by.length }).toEqual({ target, by: 1 });
  });

  it.each([...WORKER_QUEUES])('%s scales on the External metric lf_queue_backlog_jobs{queue="%s"}', (worker, queue) => {
    const hpa = named(build, 'HorizontalPodAutoscaler', worker).spec as unknown as Hpa;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: worker });
    expect(hpa.metrics).toHaveLength(1);
    const { external } = hpa.metrics[0];
    expect(external?.metric).toEqual({ name: 'lf_queue_backlog_jobs', selector: { matchLabels: { queue } } });
    expect(external?.target.type).toBe('AverageValue');
    expect(Number(external?.target.averageValue)).toBeGreaterThan(0);
  });

  it('uses the same per-pod targets as the KEDA triggers', () => {
    const keda = kustomizeBuild('k8s/overlays/prod');
    for (const worker of WORKER_QUEUES.keys()) {
      const threshold = (named(keda, 'ScaledObject', worker).spec as unknown as ScaledObject).triggers[0].metadata['threshold'];
      const averageValue = (named(build, 'HorizontalPodAutoscaler', worker).spec as unknown as Hpa).metrics[0].external?.target.averageValue;
      expect({ worker, averageValue }).toEqual({ worker, averageValue: threshold });
    }
  });
});
