import { ofKind, type K8sObject } from './kustomize';

/** The parts of a pod template the policy tests read. */
export interface Probe {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}
export interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  topologySpreadConstraints?: {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector?: { matchLabels?: Record<string, string> };
    matchLabelKeys?: string[];
  }[];
  volumes?: { name: string; emptyDir?: Record<string, unknown>; secret?: { secretName: string }; hostPath?: unknown; persistentVolumeClaim?: unknown }[];
}
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export const podTemplate = (workload: K8sObject): PodTemplate => (workload.spec as { template: PodTemplate }).template;

/** The container of an app Deployment (every app container is called "app"). */
export function appContainer(deployment: K8sObject): Container {
  const containers = podTemplate(deployment).spec.containers;
  const app = containers.find((c) => c.name === 'app');
  if (!app) throw new Error(`${deployment.metadata.name}: no container named "app"`);
  return app;
}

/**
 * The environment the app process sees: the ConfigMaps of envFrom (from the same build), then env values
 * (later wins, as in Kubernetes). Secret-sourced variables appear as `secret:<name>/<key>`.
 */
export function effectiveEnv(deployment: K8sObject, build: K8sObject[]): Record<string, string> {
  const container = appContainer(deployment);
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const map = ofKind(build, 'ConfigMap').find((c) => c.metadata.name === source.configMapRef!.name);
      if (!map) throw new Error(`${deployment.metadata.name}: envFrom ConfigMap ${source.configMapRef.name} is not in the build`);
      Object.assign(env, map.data ?? {});
    }
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    env[variable.name] = ref ? `secret:${ref.name}/${ref.key}` : (variable.value ?? '');
  }
  return env;
}

/** Kubernetes quantities to numbers: CPU in cores, memory in bytes. */
export function quantity(value: string): number {
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(value);
  if (!match) throw new Error(`unsupported quantity '${value}'`);
  const factor: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9 };
  return Number(match[1]) * (match[2] ? factor[match[2]] : 1);
}

/** Seconds a preStop hook holds the container before SIGTERM (exec sleep N or the sleep action). */
export function preStopSeconds(container: Container): number {
  const hook = container.lifecycle?.preStop;
  if (!hook) return 0;
  if (hook.sleep) return hook.sleep.seconds;
  const command = hook.exec?.command ?? [];
  const sleep = command.findIndex((part) => /(^|\/)sleep$/.test(part));
  if (sleep >= 0 && command[sleep + 1] !== undefined) return Number(command[sleep + 1]);
  throw new Error(`cannot tell how long the preStop hook ${JSON.stringify(hook)} takes`);
}
