import {
  BINARY_INPUT_FIELDS,
  caseRequestSchema,
  decodeStrictBase64,
  encodeInputBlob,
  withDecodedBase64,
  type FusionStrategyName,
  type ModalityRegistryEntry,
  type ParsedCaseRequest,
} from '@lf/contracts';
import { fieldError, type FieldError } from '../http/problem';

/**
 * What to do with one submitted body, decided purely from the body, the modality registry and the
 * defaults: which modalities the case expects (enabled registry entries that have an input, in registry
 * order), which inputs are ignored (no enabled entry), the blob per expected modality, strategy and budget.
 *
 * Registry-driven, not schema-driven: a registered modality without a schema in `@lf/contracts` (a new
 * fourth worker, say) still has its input passed through as is; its worker validates it, as workers do
 * for every modality anyway.
 */
export interface CasePlan {
  request: ParsedCaseRequest;
  expected: string[];
  /** Present inputs that no enabled registry entry consumes, sorted. */
  ignored: string[];
  /** modality -> the blob stored for its worker (input-blob.ts: schema defaults applied, unknown fields dropped). */
  blobs: Record<string, Buffer>;
  /**
   * modality -> the bytes of its binary field (BINARY_INPUT_FIELDS), decoded from base64 or supplied out of
   * band (a multipart file part), for every present input that has one: what the request digest hashes.
   */
  binaries: Record<string, Buffer>;
  strategy: FusionStrategyName;
  deadlineMs: number;
}

export interface PlanDefaults {
  strategy: FusionStrategyName;
  deadlineMs: number;
}

export interface PlanOptions {
  /**
   * modality -> bytes of its binary field sent out of band (a multipart `image` part), so they are stored
   * as they are, with no base64 round trip. The body's input must then omit that field.
   */
  binaries?: Readonly<Record<string, Buffer>>;
}

export type PlanOutcome = { ok: true; plan: CasePlan } | { ok: false; errors: FieldError[] };

/**
 * How deeply a body may nest. The deepest field of the contract is 5 levels down (inputs.vitals.samples[i].t);
 * the bound keeps every recursive walk (validation, canonical hashing, blob encoding) far from the stack limit.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Stands in for an out-of-band binary field during validation (never stored): the contract's strict base64
 * decoder answers the real bytes for it (`withDecodedBase64`), so its checks (not empty, magic numbers, raw
 * size) judge the real file exactly as they judge base64 text, without encoding it. Not base64 itself.
 */
const outOfBandToken = (modality: string): string => `!out-of-band:${modality}!`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (record: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined);

/** The path of the first value nested deeper than `maxDepth` (iterative: no recursion on hostile input), or undefined. */
export function tooDeepAt(value: unknown, maxDepth = MAX_BODY_DEPTH): Array<string | number> | undefined {
  interface Node {
    value: unknown;
    depth: number;
    key?: string | number;
    parent?: Node;
  }
  const stack: Node[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node.value !== 'object' || node.value === null) continue;
    if (node.depth >= maxDepth) {
      const path: Array<string | number> = [];
      for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
      return path;
    }
    // Only containers go on the stack: a 20 000-sample vitals series is 20 000 pushes, not 160 000.
    const push = (child: unknown, key: string | number) => {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: node.depth + 1, key, parent: node });
    };
    if (Array.isArray(node.value)) node.value.forEach((child, i) => push(child, i));
    else for (const key in node.value) if (Object.prototype.hasOwnProperty.call(node.value, key)) push((node.value as Record<string, unknown>)[key], key);
  }
  return undefined;
}

export function planCase(body: unknown, registry: readonly ModalityRegistryEntry[], defaults: PlanDefaults, options: PlanOptions = {}): PlanOutcome {
  const deep = tooDeepAt(body);
  if (deep) return { ok: false, errors: [fieldError(deep, `nested more than ${MAX_BODY_DEPTH} levels deep`)] };

  const outOfBand = options.binaries ?? {};
  const rawInputs = isRecord(body) && isRecord(body['inputs']) ? body['inputs'] : {};
  const supplied = Object.keys(outOfBand).filter((m) => BINARY_INPUT_FIELDS[m] !== undefined && isRecord(own(rawInputs, m)));
  let validated = body;
  const tokens = new Map<string, Buffer>();
  if (supplied.length > 0) {
    const inputs: Record<string, unknown> = { ...rawInputs };
    for (const m of supplied) {
      // Empty bytes get no token: the schema then rejects the field as it rejects empty base64 text.
      const token = outOfBand[m].length > 0 ? outOfBandToken(m) : '';
      if (token) tokens.set(token, outOfBand[m]);
      inputs[m] = { ...(inputs[m] as Record<string, unknown>), [BINARY_INPUT_FIELDS[m]]: token };
    }
    validated = { ...(body as Record<string, unknown>), inputs };
  }
  const parsed = withDecodedBase64(tokens, () => caseRequestSchema.safeParse(validated));
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => fieldError(i.path, i.message)) };
  const request = parsed.data;

  // caseRequestSchema already rejected non-canonical base64 (alphabet, truncation, padding, trailing bits)
  // and payloads that are not what their format says (magic numbers, raw size) at inputs.imaging.data;
  // deep decoding (is the DICOM readable, do the pixels make sense) is the worker's job.

  const parsedInputs = request.inputs as Record<string, unknown>;
  const inputOf = (name: string): unknown => own(parsedInputs, name) ?? own(rawInputs, name);

  const binaries: Record<string, Buffer> = {};
  const binaryOf = (name: string, input: unknown): Buffer | undefined => {
    const field = BINARY_INPUT_FIELDS[name];
    if (field === undefined || !isRecord(input)) return undefined;
    if (supplied.includes(name)) return outOfBand[name];
    const value = input[field];
    // The schema just decoded this very text to validate it: decodeStrictBase64 hands back those bytes.
    return typeof value === 'string' ? decodeStrictBase64(value) : undefined;
  };

  const expected: string[] = [];
  const blobs: Record<string, Buffer> = {};
  for (const entry of registry) {
    if (!entry.enabled) continue;
    const input = inputOf(entry.name);
    if (input === undefined || input === null) continue;
    expected.push(entry.name);
    const bytes = binaryOf(entry.name, input);
    // The claim-check blob holds the binary field as raw bytes: 25 % less Redis memory than base64, and
    // the worker never parses a 175 kB string.
    blobs[entry.name] = bytes ? encodeInputBlob(input, { field: BINARY_INPUT_FIELDS[entry.name], bytes }) : encodeInputBlob(input);
    if (bytes) binaries[entry.name] = bytes;
  }
  const present = new Set([...Object.keys(parsedInputs), ...Object.keys(rawInputs)].filter((k) => inputOf(k) !== undefined && inputOf(k) !== null));
  const ignored = [...present].filter((name) => !expected.includes(name)).sort();
  for (const name of ignored) {
    const bytes = binaryOf(name, inputOf(name));
    if (bytes) binaries[name] = bytes;
  }

  if (expected.length === 0) {
    const names = registry.filter((e) => e.enabled).map((e) => e.name);
    return {
      ok: false,
      errors: [fieldError(['inputs'], `no input for an enabled modality (enabled: ${names.join(', ') || 'none'}; ignored: ${ignored.join(', ')})`)],
    };
  }

  return {
    ok: true,
    plan: {
      request,
      expected,
      ignored,
      blobs,
      binaries,
      strategy: request.strategy ?? defaults.strategy,
      deadlineMs: request.deadlineMs ?? defaults.deadlineMs,
    },
  };
}
