import { imagePayloadProblem, isStrictBase64 } from '@lf/contracts';
import { field, isObject, pathOf, type BundleEntry, type JsonObject, type ParseContext } from './bundle-context';
import { safeToken } from './read-entries';
import type { SubjectChecker } from './read-patient';

export const DICOM_MEDIA_TYPE = 'application/dicom';

export interface ImageFact {
  /** Canonical base64 of a DICOM Part 10 file. */
  data: string;
  dataPath: string;
  /** The resources it came from (e.g. a DocumentReference and the Binary its attachment.url names). */
  sources: BundleEntry[];
}

const URL_ONLY =
  'an attachment by url only is not supported: send the DICOM file inline as base64 in attachment.data, or as a Binary entry of this Bundle that the url references';

/**
 * The image: a DICOM attachment in a Media (`content`), a DocumentReference (`content[].attachment`)
 * or a Binary (`contentType` + `data`). An attachment whose url names a Binary of the Bundle reads that
 * Binary. A case takes one slice, so two different DICOM images are an error.
 */
export function readImaging(ctx: ParseContext, subjects: SubjectChecker): ImageFact | undefined {
  const found: ImageFact[] = [];
  const consumedBinaries = new Set<BundleEntry>();

  const readAttachment = (attachment: unknown, path: string, sources: BundleEntry[]): void => {
    if (!isObject(attachment)) return ctx.error(path, 'must be an Attachment object');
    const data = field(attachment, 'data');
    const url = field(attachment, 'url');
    if (data === undefined && typeof url === 'string') {
      const target = ctx.resolve(url);
      if (target && target.resourceType === 'Binary') {
        consumedBinaries.add(target);
        return readBinary(target, [...sources, target]);
      }
      return ctx.ignore(pathOf(path, 'url'), URL_ONLY);
    }
    if (data === undefined) return ctx.ignore(path, 'the attachment has neither data nor url');
    if (!isDicomContentType(ctx, field(attachment, 'contentType'), path)) return;
    readData(data, pathOf(path, 'data'), sources);
  };

  const readBinary = (entry: BundleEntry, sources: BundleEntry[]): void => {
    const data = field(entry.resource, 'data');
    if (!isDicomContentType(ctx, field(entry.resource, 'contentType'), entry.path)) return;
    if (data === undefined) return ctx.ignore(entry.path, 'the Binary has no data');
    readData(data, pathOf(entry.path, 'data'), sources);
  };

  const readData = (data: unknown, dataPath: string, sources: BundleEntry[]): void => {
    if (typeof data !== 'string' || data.length === 0) return ctx.error(dataPath, 'must be base64 text');
    let text = data;
    if (/\s/.test(text)) {
      // FHIR's base64Binary allows whitespace (MIME line breaks); the case contract does not.
      text = text.replace(/\s+/g, '');
      ctx.report.conversions.push({ path: dataPath, from: 'base64 with whitespace', to: 'base64' });
    }
    if (!isStrictBase64(text)) return ctx.error(dataPath, 'must be base64 (RFC 4648 standard alphabet, not truncated)');
    // The contract's own check (DICM marker), here so that the error names this attachment.
    const problem = imagePayloadProblem({ format: 'dicom', data: text });
    if (problem) return ctx.error(dataPath, problem);
    found.push({ data: text, dataPath, sources });
  };

  for (const entry of ctx.entries) {
    const { resource, path } = entry;
    if (entry.resourceType === 'Media') {
      if (skipped(ctx, resource, path) || !subjects.check(resource, path)) continue;
      readAttachment(field(resource, 'content'), pathOf(path, 'content'), [entry]);
    } else if (entry.resourceType === 'DocumentReference') {
      if (skipped(ctx, resource, path) || !subjects.check(resource, path)) continue;
      const content = field(resource, 'content');
      if (!Array.isArray(content) || content.length === 0) {
        ctx.error(pathOf(path, 'content'), 'must be a non-empty array of { attachment }');
        continue;
      }
      content.forEach((item, j) => {
        const itemPath = pathOf(pathOf(path, 'content'), j);
        if (!isObject(item)) return ctx.error(itemPath, 'must be an object with an attachment');
        readAttachment(field(item, 'attachment'), pathOf(itemPath, 'attachment'), [entry]);
      });
    }
  }
  for (const entry of ctx.entries) {
    if (entry.resourceType === 'Binary' && !consumedBinaries.has(entry)) readBinary(entry, [entry]);
  }

  const distinct: ImageFact[] = [];
  for (const image of found) {
    const same = distinct.find((d) => d.data === image.data);
    if (same) same.sources.push(...image.sources.filter((s) => !same.sources.includes(s)));
    else distinct.push(image);
  }
  if (distinct.length > 1) {
    ctx.error(
      distinct[1].dataPath,
      `a case takes one image, but the Bundle holds ${distinct.length} different DICOM images (${distinct.map((d) => d.dataPath).join(', ')})`,
    );
    return undefined;
  }
  return distinct[0];
}

function skipped(ctx: ParseContext, resource: JsonObject, path: string): boolean {
  if (field(resource, 'status') !== 'entered-in-error') return false;
  ctx.ignore(pathOf(path, 'status'), 'status entered-in-error: not a valid record');
  return true;
}

function isDicomContentType(ctx: ParseContext, contentType: unknown, ownerPath: string): boolean {
  if (typeof contentType !== 'string') {
    ctx.ignore(ownerPath, `no contentType: only ${DICOM_MEDIA_TYPE} attachments are read`);
    return false;
  }
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === DICOM_MEDIA_TYPE) return true;
  ctx.ignore(
    pathOf(ownerPath, 'contentType'),
    `contentType ${safeToken(mediaType)} is not supported: only ${DICOM_MEDIA_TYPE} (a DICOM Part 10 file) is scored`,
  );
  return false;
}
