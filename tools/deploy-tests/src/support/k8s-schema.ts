import ts from 'typescript';
import { repoPath } from './workspace';
import type { K8sObject } from './kustomize';

/**
 * Schema validation of Kubernetes objects with kubernetes-models (tommy351/kubernetes-models-ts): JSON-schema
 * validators generated from the Kubernetes OpenAPI document (v1.33 in 4.5.x) and, for KEDA, from its CRDs.
 * Like kubeconform without -strict, the OpenAPI schemas accept unknown fields, so `strictFieldErrors` adds the
 * strict part: every object is type-checked as an object literal against the same package's TypeScript
 * declarations, whose excess-property check rejects a misspelt or misplaced field at any depth.
 */
interface ModelRef {
  module: string;
  typeName: string;
}

/** The CRD groups we ship objects of, and the package that models them. */
const CRD_PACKAGES: Record<string, string> = { 'keda.sh': '@kubernetes-models/keda' };

export function modelFor(apiVersion: string, kind: string): ModelRef {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return { module: `kubernetes-models/${version}/${kind}`, typeName: `I${kind}` };
  const pkg = CRD_PACKAGES[group] ?? 'kubernetes-models';
  return { module: `${pkg}/${group}/${version}/${kind}`, typeName: `I${kind}` };
}

/** Schema errors of one object ([] when valid); throws when no model exists for its kind. */
export function schemaErrors(object: K8sObject): string[] {
  const { module, typeName } = modelFor(object.apiVersion, object.kind);
  let exports: Record<string, unknown>;
  try {
    exports = require(module) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
  } catch {
    throw new Error(`no schema for ${object.apiVersion} ${object.kind} (module ${module}): add the package that models it`);
  }
  const Model = exports[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (!Model) throw new Error(`${module} exports no ${typeName.slice(1)}`);
  try {
    new Model(normalizeBase64(object)).validate();
    return [];
  } catch (error) {
    return String((error as Error).message)
      .split('\n')
      .filter(Boolean);
  }
}

/**
 * kustomize writes long base64 values (Secret data, ConfigMap binaryData) as folded lines; the API server's
 * decoder (Go's encoding/base64) ignores the newlines, the generated validator's "byte" format does not.
 */
function normalizeBase64(object: K8sObject): K8sObject {
  const field = object.kind === 'Secret' ? 'data' : object.kind === 'ConfigMap' ? 'binaryData' : undefined;
  const values = field ? (object[field] as Record<string, string> | undefined) : undefined;
  if (!field || !values) return object;
  return { ...object, [field]: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.replace(/[\r\n]/g, '')])) };
}

/** Unknown or misplaced fields, one message per problem, naming the object (empty when all are clean). */
export function strictFieldErrors(objects: readonly K8sObject[]): string[] {
  const file = repoPath('tmp', 'deploy-tests-strict-check.ts');
  const spans: { start: number; end: number; id: string }[] = [];
  let source = '';
  objects.forEach((object, i) => {
    const { module, typeName } = modelFor(object.apiVersion, object.kind);
    source += `import type { ${typeName} as T${i} } from '${module}';\n`;
    const start = source.length;
    source += `export const o${i}: T${i} = ${JSON.stringify(object, null, 1)};\n`;
    spans.push({ start, end: source.length, id: `${object.kind}/${object.metadata.name}` });
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.start ?? -1;
    const where = spans.find((s) => at >= s.start && at < s.end)?.id ?? 'imports';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
