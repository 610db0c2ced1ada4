import { selectorMatches, type K8sObject } from './kustomize';

/** A pod template of the build, seen the way NetworkPolicies see pods. */
export interface PodView {
  id: string;
  namespace: string;
  labels: Record<string, string>;
  ports: { name?: string; containerPort: number }[];
}

export interface Peer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}
export interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
export interface Rule {
  peers?: Peer[];
  ports?: PolicyPort[];
  policy: string;
}

interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: { from?: Peer[]; ports?: PolicyPort[] }[];
  egress?: { to?: Peer[]; ports?: PolicyPort[] }[];
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] };
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

export function podViews(objects: K8sObject[]): PodView[] {
  return objects
    .filter((o) => WORKLOAD_KINDS.includes(o.kind))
    .map((o) => {
      const template = (o.spec as { template: PodTemplate }).template;
      return {
        id: `${o.kind}/${o.metadata.name}`,
        namespace: o.metadata.namespace ?? 'default',
        labels: template.metadata?.labels ?? {},
        ports: template.spec.containers.flatMap((c) => c.ports ?? []),
      };
    });
}

const policiesSelecting = (pod: PodView, policies: K8sObject[]) =>
  policies.filter((p) => (p.metadata.namespace ?? 'default') === pod.namespace && selectorMatches((p.spec as unknown as PolicySpec).podSelector, pod.labels));

/** Whether some policy isolates the pod in that direction (then only the rules below let traffic through). */
export function isIsolated(pod: PodView, policies: K8sObject[], direction: 'Ingress' | 'Egress'): boolean {
  return policiesSelecting(pod, policies).some((p) => {
    const spec = p.spec as unknown as PolicySpec;
    const types = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return types.includes(direction);
  });
}

/** Every rule that lets traffic into (Ingress) or out of (Egress) the pod. */
export function rulesFor(pod: PodView, policies: K8sObject[], direction: 'Ingress' | 'Egress'): Rule[] {
  return policiesSelecting(pod, policies).flatMap((p) => {
    const spec = p.spec as unknown as PolicySpec;
    if (direction === 'Ingress') return (spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports, policy: p.metadata.name }));
    return (spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports, policy: p.metadata.name }));
  });
}

/** A policy port as a number on `pod` (named ports resolve against its containers; undefined: unresolvable). */
export function resolvePort(pod: PodView, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return pod.ports.find((p) => p.name === port)?.containerPort;
}

/** Whether the rule admits TCP traffic to `port` of `pod` (an ingress rule) from any peer. */
export function ruleAllowsPort(rule: Rule, pod: PodView, port: number): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || resolvePort(pod, p.port) === port || (typeof p.port === 'number' && p.endPort !== undefined && port >= p.port && port <= p.endPort)));
}
