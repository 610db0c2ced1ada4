import type { BundleReport, FhirIssue } from './bundle-report';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Own property only: a Bundle is untrusted JSON, `__proto__` or `constructor` must not resolve. */
export const field = (object: JsonObject, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;

export const pathOf = (base: string, key: string | number): string =>
  typeof key === 'number' ? `${base}[${key}]` : base === '' ? key : `${base}.${key}`;

/** A resource of the Bundle, with what is needed to refer to it. */
export interface BundleEntry {
  index: number;
  /** `entry[i].resource` */
  path: string;
  resource: JsonObject;
  resourceType: string;
  fullUrl?: string;
  /** `Type/id` from Resource.id, or from a transaction's `PUT Type/id` request. */
  typeAndId?: string;
}

/** The reference we report in `basis`: `Type/id` when known, else the entry's fullUrl. */
export const basisReference = (entry: BundleEntry): string | undefined => entry.typeAndId ?? entry.fullUrl;

const TYPE_AND_ID = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** Errors and the report, collected while walking the Bundle (all errors, not just the first). */
export class ParseContext {
  readonly errors: FhirIssue[] = [];
  readonly report: BundleReport = { unknownCodes: [], conversions: [], ignored: [] };
  /** Case request path (dot-joined, as zod reports it) -> Bundle path, to map schema issues back. */
  readonly sourceMap = new Map<string, string>();
  private readonly byFullUrl = new Map<string, BundleEntry>();
  private readonly byTypeAndId = new Map<string, BundleEntry>();

  constructor(readonly entries: readonly BundleEntry[]) {
    for (const entry of entries) {
      if (entry.fullUrl !== undefined && !this.byFullUrl.has(entry.fullUrl)) this.byFullUrl.set(entry.fullUrl, entry);
      if (entry.typeAndId !== undefined && !this.byTypeAndId.has(entry.typeAndId)) this.byTypeAndId.set(entry.typeAndId, entry);
    }
  }

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  ignore(path: string, reason: string): void {
    this.report.ignored.push({ path, reason });
  }

  /**
   * The entry a reference points to: an exact fullUrl (`urn:uuid:...`, absolute URL), or `Type/id`
   * (relative, or the tail of an absolute URL, optionally version-specific).
   */
  resolve(reference: string): BundleEntry | undefined {
    const exact = this.byFullUrl.get(reference);
    if (exact) return exact;
    const match = TYPE_AND_ID.exec(reference);
    return match ? this.byTypeAndId.get(`${match[1]}/${match[2]}`) : undefined;
  }
}

/** `Type/id` of a reference string, when it has that shape. */
export function referenceTypeAndId(reference: string): { type: string; id: string } | undefined {
  const match = TYPE_AND_ID.exec(reference);
  return match ? { type: match[1], id: match[2] } : undefined;
}

/** A Coding list at `path` (`code.coding`), tolerating a missing or malformed list (reported by the caller). */
export function codings(concept: unknown, path: string): { path: string; system?: string; code?: string; display?: string }[] {
  if (!isObject(concept)) return [];
  const list = field(concept, 'coding');
  if (!Array.isArray(list)) return [];
  const out: { path: string; system?: string; code?: string; display?: string }[] = [];
  list.forEach((coding, j) => {
    if (!isObject(coding)) return;
    const system = field(coding, 'system');
    const code = field(coding, 'code');
    const display = field(coding, 'display');
    out.push({
      path: pathOf(pathOf(path, 'coding'), j),
      ...(typeof system === 'string' ? { system } : {}),
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof display === 'string' ? { display } : {}),
    });
  });
  return out;
}

/** Reports every coding of a concept we did not use (or the concept's text when it has no coding). */
export function reportUnknownConcept(ctx: ParseContext, concept: unknown, path: string): void {
  const list = codings(concept, path);
  if (list.length > 0) {
    for (const c of list) ctx.report.unknownCodes.push(c);
    return;
  }
  const text = isObject(concept) ? field(concept, 'text') : undefined;
  ctx.report.unknownCodes.push({ path, ...(typeof text === 'string' ? { display: text } : {}) });
}
