import { field, isObject, pathOf, referenceTypeAndId, type BundleEntry } from './bundle-context';
import type { FhirIssue } from './bundle-report';

export const ACCEPTED_BUNDLE_TYPES = ['collection', 'transaction'] as const;
/** Transaction entries that carry a resource to store; other methods read or delete, and make no case. */
const RESOURCE_METHODS = ['POST', 'PUT'];
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Checks the Bundle's envelope and lists its resources. `collection` entries hold a resource;
 * `transaction` entries hold a resource plus a request (POST or PUT). Errors name the entry.
 */
export function readEntries(bundle: unknown): { entries: BundleEntry[]; errors: FhirIssue[]; timestamp?: string } {
  const errors: FhirIssue[] = [];
  if (!isObject(bundle)) return { entries: [], errors: [{ path: '', message: 'must be a JSON object: a FHIR R4 Bundle' }] };
  const resourceType = field(bundle, 'resourceType');
  if (resourceType !== 'Bundle') {
    const got = typeof resourceType === 'string' ? ` (got '${safeToken(resourceType)}')` : '';
    return { entries: [], errors: [{ path: 'resourceType', message: `must be 'Bundle'${got}` }] };
  }
  const type = field(bundle, 'type');
  if (typeof type !== 'string' || !(ACCEPTED_BUNDLE_TYPES as readonly string[]).includes(type)) {
    const got = typeof type === 'string' ? ` (got '${safeToken(type)}')` : '';
    errors.push({ path: 'type', message: `must be 'collection' or 'transaction'${got}` });
  }
  const list = field(bundle, 'entry');
  if (!Array.isArray(list) || list.length === 0) {
    errors.push({ path: 'entry', message: 'must be a non-empty array of entries' });
    return { entries: [], errors };
  }
  const entries: BundleEntry[] = [];
  const seenFullUrls = new Map<string, number>();
  list.forEach((entry, index) => {
    const entryPath = pathOf('entry', index);
    if (!isObject(entry)) {
      errors.push({ path: entryPath, message: 'must be an object with a resource' });
      return;
    }
    let putTypeAndId: string | undefined;
    if (type === 'transaction') {
      const request = field(entry, 'request');
      const method = isObject(request) ? field(request, 'method') : undefined;
      if (!isObject(request) || typeof method !== 'string') {
        errors.push({ path: pathOf(entryPath, 'request'), message: 'a transaction entry needs a request with a method (POST or PUT)' });
        return;
      }
      if (!RESOURCE_METHODS.includes(method)) {
        errors.push({
          path: pathOf(pathOf(entryPath, 'request'), 'method'),
          message: `${safeToken(method)} is not supported: a case is made of resources sent with POST or PUT`,
        });
        return;
      }
      const url = field(request, 'url');
      if (method === 'PUT' && typeof url === 'string') {
        const ref = referenceTypeAndId(url);
        if (ref && !url.includes('?')) putTypeAndId = `${ref.type}/${ref.id}`;
      }
    }
    const resource = field(entry, 'resource');
    const resourcePath = pathOf(entryPath, 'resource');
    if (!isObject(resource)) {
      errors.push({ path: resourcePath, message: 'missing: every entry needs a resource' });
      return;
    }
    const rt = field(resource, 'resourceType');
    if (typeof rt !== 'string' || !/^[A-Z][A-Za-z]{1,63}$/.test(rt)) {
      errors.push({ path: pathOf(resourcePath, 'resourceType'), message: 'must name the FHIR resource type (e.g. Observation)' });
      return;
    }
    const fullUrl = field(entry, 'fullUrl');
    if (fullUrl !== undefined && (typeof fullUrl !== 'string' || fullUrl.length === 0)) {
      errors.push({ path: pathOf(entryPath, 'fullUrl'), message: 'must be a URI string' });
      return;
    }
    if (typeof fullUrl === 'string') {
      const first = seenFullUrls.get(fullUrl);
      if (first !== undefined) {
        errors.push({ path: pathOf(entryPath, 'fullUrl'), message: `duplicates the fullUrl of entry[${first}]` });
        return;
      }
      seenFullUrls.set(fullUrl, index);
    }
    const id = field(resource, 'id');
    if (id !== undefined && (typeof id !== 'string' || !FHIR_ID.test(id))) {
      errors.push({ path: pathOf(resourcePath, 'id'), message: 'must be a FHIR id (1-64 of A-Z a-z 0-9 - .)' });
      return;
    }
    // Without Resource.id, an absolute fullUrl ending in Type/id (or a PUT Type/id) still names the resource.
    const fromFullUrl = typeof fullUrl === 'string' && !fullUrl.startsWith('urn:') ? referenceTypeAndId(fullUrl) : undefined;
    const typeAndId =
      typeof id === 'string' ? `${rt}/${id}` : (putTypeAndId ?? (fromFullUrl?.type === rt ? `${rt}/${fromFullUrl.id}` : undefined));
    entries.push({
      index,
      path: resourcePath,
      resource,
      resourceType: rt,
      ...(typeof fullUrl === 'string' ? { fullUrl } : {}),
      ...(typeAndId !== undefined ? { typeAndId } : {}),
    });
  });
  const timestamp = field(bundle, 'timestamp');
  return { entries, errors, ...(typeof timestamp === 'string' ? { timestamp } : {}) };
}

/** A short code-like token safe to echo in a message (resource types, methods, units): never free text. */
export function safeToken(value: string): string {
  const cleaned = value.replace(/[^\w\-./*^%{}[\]°µ|: ]/g, '?');
  return cleaned.length > 40 ? `${cleaned.slice(0, 40)}...` : cleaned;
}
