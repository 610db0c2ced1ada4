// NetworkPolicy coverage, evaluated over the built objects: default deny for every pod; egress only to DNS and
// Redis (the webhook dispatcher also to public HTTPS receivers); ingress only to the gateway's and dashboard's
// HTTP ports, plus Prometheus on every app's metrics port.
import { kustomizeBuild, type K8sObject } from './support/kustomize';
import { isIsolated, podViews, resolvePort, ruleAllowsPort, rulesFor, type Peer, type PodView, type Rule } from './support/network-policy';
import { healthcheck } from './support/docker-scripts';
import { SYSTEM_APPS } from './support/workspace';

const REDIS_PORTS = [6379, 6380, 26379];
const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '127.0.0.0/8', '100.64.0.0/10'];

type Destination = 'dns' | 'redis' | 'public-https' | 'other';

/** What one (peer, port) of an egress rule reaches, in the terms of this deployment. */
function classify(peer: Peer | undefined, ports: number[], overlay: string): Destination {
  if (!peer) return 'other'; // a rule without `to` reaches everything
  const dnsPeer = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system' && peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns';
  if (dnsPeer && ports.length > 0 && ports.every((p) => p === 53)) return 'dns';
  const onRedisPorts = ports.length > 0 && ports.every((p) => REDIS_PORTS.includes(p));
  const redisPod = !peer.namespaceSelector && !peer.ipBlock && peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'redis';
  // prod: the external Redis' address range (a placeholder to replace), never "anywhere".
  const redisRange = overlay.endsWith('prod') && peer.ipBlock !== undefined && !peer.ipBlock.cidr.endsWith('/0');
  if (onRedisPorts && (redisPod || redisRange)) return 'redis';
  const publicOnly = peer.ipBlock?.cidr === '0.0.0.0/0' ? PRIVATE_V4.every((range) => peer.ipBlock!.except?.includes(range)) : peer.ipBlock?.cidr === '::/0' && ['fc00::/7', 'fe80::/10'].every((r) => peer.ipBlock!.except?.includes(r));
  if (publicOnly && ports.length === 1 && ports[0] === 443) return 'public-https';
  return 'other';
}

function egressDestinations(pod: PodView, rules: Rule[], overlay: string): Set<Destination> {
  const found = new Set<Destination>();
  for (const rule of rules) {
    const ports = (rule.ports ?? []).map((p) => (typeof p.port === 'number' ? p.port : -1));
    if (ports.length === 0) found.add('other'); // every port
    for (const peer of rule.peers ?? [undefined]) found.add(classify(peer, ports, overlay));
  }
  return found;
}

describe.each(['k8s/overlays/dev', 'k8s/overlays/prod'])('%s', (overlay) => {
  let build: K8sObject[];
  let policies: K8sObject[];
  let pods: PodView[];
  beforeAll(() => {
    build = kustomizeBuild(overlay);
    policies = build.filter((o) => o.kind === 'NetworkPolicy');
    pods = podViews(build);
  });
  const appPod = (app: string) => pods.find((p) => p.id === `Deployment/${app}`)!;

  it('isolates every pod in both directions (default deny)', () => {
    for (const pod of pods) {
      expect({ pod: pod.id, ingress: isIsolated(pod, policies, 'Ingress'), egress: isIsolated(pod, policies, 'Egress') }).toEqual({ pod: pod.id, ingress: true, egress: true });
    }
  });

  it.each(SYSTEM_APPS.filter((a) => a !== 'webhook-dispatcher'))('%s may reach DNS and Redis, and nothing else', (app) => {
    const destinations = egressDestinations(appPod(app), rulesFor(appPod(app), policies, 'Egress'), overlay);
    expect([...destinations].sort()).toEqual(['dns', 'redis']);
  });

  it('the webhook dispatcher may also reach public HTTPS receivers, never private addresses', () => {
    const destinations = egressDestinations(appPod('webhook-dispatcher'), rulesFor(appPod('webhook-dispatcher'), policies, 'Egress'), overlay);
    expect([...destinations].sort()).toEqual(['dns', 'public-https', 'redis']);
  });

  it('the gateway and the dashboard accept HTTP from anywhere on their own port', () => {
    for (const app of ['gateway', 'dashboard'] as const) {
      const pod = appPod(app);
      const port = healthcheck.appPort(app, {});
      const open = rulesFor(pod, policies, 'Ingress').filter((r) => (r.peers ?? []).length === 0 && ruleAllowsPort(r, pod, port));
      expect({ app, open: open.length > 0 }).toEqual({ app, open: true });
    }
  });

  it.each(SYSTEM_APPS.filter((a) => a !== 'gateway' && a !== 'dashboard'))('%s accepts nothing but Prometheus scrapes of its metrics port', (app) => {
    const pod = appPod(app);
    const rules = rulesFor(pod, policies, 'Ingress');
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.peers?.every((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' && !peer.ipBlock)).toBe(true);
      const ports = (rule.ports ?? []).map((p) => resolvePort(pod, p.port)).filter((p) => p !== undefined);
      expect(ports).toEqual([healthcheck.appPort(app, {})]);
    }
  });

  it.each([...SYSTEM_APPS])('Prometheus (namespace monitoring) may scrape %s on its metrics port', (app) => {
    const pod = appPod(app);
    const port = healthcheck.appPort(app, {});
    const scrape = rulesFor(pod, policies, 'Ingress').filter(
      (r) => r.peers?.some((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring') && ruleAllowsPort(r, pod, port),
    );
    expect(scrape.length).toBeGreaterThan(0);
  });
});

describe('k8s/overlays/dev Redis', () => {
  it('accepts the apps on 6379 and nothing else', () => {
    const build = kustomizeBuild('k8s/overlays/dev');
    const policies = build.filter((o) => o.kind === 'NetworkPolicy');
    const pods = podViews(build);
    const redis = pods.find((p) => p.id === 'StatefulSet/redis')!;
    const rules = rulesFor(redis, policies, 'Ingress');
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.peers?.length ?? 0).toBeGreaterThan(0);
    const fromApps = rules.filter((r) => ruleAllowsPort(r, redis, 6379));
    for (const app of SYSTEM_APPS) {
      const labels = pods.find((p) => p.id === `Deployment/${app}`)!.labels;
      const admitted = fromApps.some((r) => r.peers!.some((peer) => !peer.namespaceSelector && Object.entries(peer.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v)));
      expect({ app, admitted }).toEqual({ app, admitted: true });
    }
    // Only the Redis port is open, on every rule that admits anything.
    for (const rule of rules) expect((rule.ports ?? []).map((p) => resolvePort(redis, p.port))).toEqual([6379]);
  });
});
