// What every app Deployment must be, in every overlay: probes on the apps' health endpoints, requests and
// limits, the restricted security context, a grace period that covers a drain, spreading, a disruption budget,
// and an environment made only of variables the apps know.
import { kustomizeBuild, named, ofKind, selectorMatches, type K8sObject } from './support/kustomize';
import { appContainer, effectiveEnv, podTemplate, preStopSeconds, quantity, type PodTemplate } from './support/pods';
import { healthcheck } from './support/docker-scripts';
import { CLOSE_SECONDS, SYSTEM_APPS, longestJobSeconds, parseYamlStream, readEnvExample, readRepoFile, type SystemAppName } from './support/workspace';

const OVERLAYS = ['k8s/overlays/dev', 'k8s/overlays/prod'];
/** Variables a Deployment may set beyond .env.example's: which app to run, and Node's extra CA bundle. */
const EXTRA_ENV = new Set(['APP', 'NODE_EXTRA_CA_CERTS']);

describe.each(OVERLAYS)('%s', (overlay) => {
  let build: K8sObject[];
  let deployments: K8sObject[];
  beforeAll(() => {
    build = kustomizeBuild(overlay);
    deployments = ofKind(build, 'Deployment');
  });

  it('has exactly one Deployment per app of the system (SYSTEM_APPS), named after it and running it', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SYSTEM_APPS].sort());
    for (const d of deployments) {
      expect(podTemplate(d).spec.containers).toHaveLength(1);
      expect(effectiveEnv(d, build)['APP']).toBe(d.metadata.name);
    }
  });

  it('the namespace enforces the restricted Pod Security Standard', () => {
    const ns = named(build, 'Namespace', 'late-fusion');
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('every pod template (Redis included) meets the restricted Pod Security Standard', () => {
    const workloads = build.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));
    for (const workload of workloads) {
      const spec = podTemplate(workload).spec;
      const where = `${workload.kind}/${workload.metadata.name}`;
      expect({ where, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
      expect({ where, uid: (spec.securityContext?.runAsUser ?? 0) > 0 }).toEqual({ where, uid: true });
      expect({ where, seccomp: spec.securityContext?.seccompProfile?.type }).toEqual({ where, seccomp: 'RuntimeDefault' });
      expect({ where, host: [spec.hostNetwork, spec.hostPID, spec.hostIPC].some(Boolean) }).toEqual({ where, host: false });
      expect({ where, hostPath: (spec.volumes ?? []).some((v) => v.hostPath) }).toEqual({ where, hostPath: false });
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        expect({ where, container: c.name, escalation: sc.allowPrivilegeEscalation, privileged: sc.privileged ?? false, readOnlyRoot: sc.readOnlyRootFilesystem })
          .toEqual({ where, container: c.name, escalation: false, privileged: false, readOnlyRoot: true });
        expect({ where, drop: sc.capabilities?.drop, add: sc.capabilities?.add ?? [] }).toEqual({ where, drop: ['ALL'], add: [] });
      }
    }
  });

  describe.each([...SYSTEM_APPS])('%s', (app: SystemAppName) => {
    let deployment: K8sObject;
    let template: PodTemplate;
    let env: Record<string, string>;
    beforeAll(() => {
      deployment = named(build, 'Deployment', app);
      template = podTemplate(deployment);
      env = effectiveEnv(deployment, build);
    });

    it('declares the port the app listens on under this environment, and probes /health/live and /health/ready on it', () => {
      const container = appContainer(deployment);
      const port = healthcheck.appPort(app, env);
      expect(container.ports?.map((p) => p.containerPort)).toEqual([port]);
      const portName = container.ports![0].name;
      const probed = (probe: typeof container.readinessProbe) => probe?.httpGet && { path: probe.httpGet.path, port: probe.httpGet.port === portName ? port : probe.httpGet.port };
      expect(probed(container.readinessProbe)).toEqual({ path: '/health/ready', port });
      expect(probed(container.livenessProbe)).toEqual({ path: '/health/live', port });
      expect(probed(container.startupProbe)).toEqual({ path: '/health/live', port });
      // The startup probe covers tsx's first compile and the model load before liveness may kill the pod.
      const startup = container.startupProbe!;
      expect((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3)).toBeGreaterThanOrEqual(60);
    });

    it('tells Prometheus where its metrics are', () => {
      const annotations = template.metadata.annotations ?? {};
      expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/port': String(healthcheck.appPort(app, env)) });
    });

    it('has CPU and memory requests and limits, requests within limits', () => {
      const { requests = {}, limits = {} } = appContainer(deployment).resources ?? {};
      for (const resource of ['cpu', 'memory']) {
        expect({ resource, request: requests[resource] !== undefined, limit: limits[resource] !== undefined }).toEqual({ resource, request: true, limit: true });
        expect(quantity(requests[resource])).toBeLessThanOrEqual(quantity(limits[resource]));
      }
      // Idle RSS of every app, measured from the image layout, is 120-200 MB.
      expect(quantity(requests['memory'])).toBeGreaterThanOrEqual(192 * 2 ** 20);
    });

    it('runs as non-root on a read-only root filesystem with no capabilities, writing only to an emptyDir /tmp', () => {
      const spec = template.spec;
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext?.runAsUser).toBe(1000); // the image's numeric USER
      expect(spec.automountServiceAccountToken).toBe(false);
      const container = appContainer(deployment);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(tmp).toBeDefined();
      expect(spec.volumes?.find((v) => v.name === tmp!.name)?.emptyDir).toBeDefined();
      for (const mount of container.volumeMounts ?? []) {
        if (mount.mountPath !== '/tmp') expect({ mount: mount.mountPath, readOnly: mount.readOnly }).toEqual({ mount: mount.mountPath, readOnly: true });
      }
    });

    it('gives SIGTERM time for the preStop hook, the longest job, the drain bound and closing', () => {
      const shutdownMs = Number(env['LF_SHUTDOWN_TIMEOUT_MS']);
      expect(shutdownMs).toBeGreaterThan(0);
      const longestJob = longestJobSeconds(app, env);
      // The drain bound itself covers the longest job, so a job started just before SIGTERM still finishes.
      expect(shutdownMs / 1000).toBeGreaterThanOrEqual(longestJob);
      const needed = preStopSeconds(appContainer(deployment)) + longestJob + shutdownMs / 1000 + CLOSE_SECONDS;
      expect(template.spec.terminationGracePeriodSeconds).toBeGreaterThan(needed);
    });

    it('rolls out without dropping below the desired count', () => {
      expect((deployment.spec as { strategy: unknown }).strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    });

    it('spreads its pods over zones and nodes', () => {
      const constraints = template.spec.topologySpreadConstraints ?? [];
      for (const key of ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']) {
        const constraint = constraints.find((c) => c.topologyKey === key);
        expect({ key, present: constraint !== undefined }).toEqual({ key, present: true });
        expect(selectorMatches(constraint!.labelSelector, template.metadata.labels)).toBe(true);
        // Skew is counted per app (and per revision), not over all of late-fusion's pods.
        expect(constraint!.matchLabelKeys).toEqual(expect.arrayContaining(['app.kubernetes.io/name', 'pod-template-hash']));
        expect(template.metadata.labels['app.kubernetes.io/name']).toBe(app);
      }
    });

    it('has one PodDisruptionBudget that lets a node drain proceed', () => {
      const pdbs = ofKind(build, 'PodDisruptionBudget').filter((p) => selectorMatches((p.spec as { selector: never }).selector, template.metadata.labels));
      expect(pdbs).toHaveLength(1);
      const spec = pdbs[0].spec as { maxUnavailable?: number; minAvailable?: number };
      const replicas = (deployment.spec as { replicas?: number }).replicas;
      if (spec.minAvailable !== undefined) expect(spec.minAvailable).toBeLessThan(replicas ?? 1);
      else expect(spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    });

    it('reads only variables the apps know (.env.example), REDIS_URL from the lf-redis Secret', () => {
      const known = readEnvExample().known;
      expect(Object.keys(env).filter((name) => !known.has(name) && !EXTRA_ENV.has(name))).toEqual([]);
      // (kustomize's secretGenerator appends a content hash to the name in dev.)
      expect(env['REDIS_URL']).toMatch(/^secret:lf-redis(-[a-z0-9]{10})?\/REDIS_URL$/);
    });

    it('reads the tenants file from a Secret mounted as a directory (so rotation reaches the running pod)', () => {
      const path = env['LF_TENANTS_FILE'];
      if (['gateway', 'dashboard', 'webhook-dispatcher'].includes(app)) expect(path).toBeTruthy();
      if (!path) return;
      const mount = appContainer(deployment).volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`));
      expect(mount).toBeDefined();
      expect(mount!.subPath).toBeUndefined();
      const volume = template.spec.volumes?.find((v) => v.name === mount!.name);
      expect(volume?.secret?.secretName).toMatch(/^lf-tenants/);
      expect(path.slice(mount!.mountPath.length + 1)).toBe('tenants.json');
    });
  });

  it('every Secret the pods reference exists with its keys (dev: generated; prod: k8s/base/secrets.example.yaml)', () => {
    const references = new Set<string>();
    for (const d of deployments) {
      for (const v of appContainer(d).env ?? []) if (v.valueFrom?.secretKeyRef) references.add(`${v.valueFrom.secretKeyRef.name}/${v.valueFrom.secretKeyRef.key}`);
      for (const v of podTemplate(d).spec.volumes ?? []) if (v.secret) references.add(`${v.secret.secretName}/tenants.json`);
    }
    const available = new Set<string>();
    const secrets = overlay.endsWith('prod') ? exampleSecrets() : ofKind(build, 'Secret');
    for (const s of secrets) for (const key of Object.keys({ ...s.data, ...s.stringData })) available.add(`${s.metadata.name}/${key}`);
    expect([...references].filter((r) => !available.has(r))).toEqual([]);
    expect(references.size).toBeGreaterThanOrEqual(2);
  });

  it('exposes the gateway and the dashboard through Services on their HTTP ports', () => {
    for (const app of ['gateway', 'dashboard']) {
      const service = named(build, 'Service', app);
      const spec = service.spec as { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
      const selected = deployments.filter((d) => selectorMatches({ matchLabels: spec.selector }, podTemplate(d).metadata.labels));
      expect(selected.map((d) => d.metadata.name)).toEqual([app]);
      const container = appContainer(selected[0]);
      for (const port of spec.ports) expect(container.ports?.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort)).toBe(true);
    }
  });
});

function exampleSecrets(): K8sObject[] {
  return parseYamlStream(readRepoFile('k8s/base/secrets.example.yaml')) as K8sObject[];
}
