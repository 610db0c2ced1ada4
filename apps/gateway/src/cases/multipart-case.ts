import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { PROBLEM_TYPES, simpleProblem, type Problem } from '../http/problem';
import { CASE_PROBLEM_TYPES, parameterProblem } from './case-problems';

/**
 * `POST /v1/cases` as `multipart/form-data`, for PACS routers and integration engines that hold the DICOM
 * file as a file: exactly two parts,
 *   - `case`: the case JSON (a field or a file part; `application/json`, or `text/plain` /
 *     `application/octet-stream` as curl sends them) without the image data: `inputs.imaging` may be omitted
 *     or be `{"format": "dicom"}`;
 *   - `image`: the DICOM Part 10 file as it is (`application/dicom`, or `application/octet-stream`).
 * The file's bytes go straight into the claim-check blob (no base64 round trip). The gateway checks only that
 * it looks like DICOM Part 10 (`DICM` at byte 128), as the JSON route does for base64 DICOM: a sender hears
 * at once that it sent the wrong file; decoding it is the imaging worker's job.
 */
export const MULTIPART_MEDIA_TYPE = /^multipart\/form-data\s*(;|$)/i;
const CASE_PART_TYPES = ['application/json', 'text/plain', 'application/octet-stream'];
const IMAGE_PART_TYPES = ['application/dicom', 'application/octet-stream'];
const DICOM_MAGIC_OFFSET = 128;

export interface MultipartLimits {
  /** Largest `case` part (LF_MAX_BODY_BYTES, as for a JSON body). */
  maxCaseBytes: number;
  /** Largest `image` part (LF_MAX_UPLOAD_BYTES). */
  maxImageBytes: number;
}

/** Busboy limits: the parts we accept plus a little room, so a stray extra part is named (400), not counted (413). */
function busboyLimits(limits: MultipartLimits) {
  return { fileSize: Math.max(limits.maxImageBytes, limits.maxCaseBytes), fieldSize: Math.max(limits.maxImageBytes, limits.maxCaseBytes), fields: 4, files: 4, parts: 6, headerPairs: 64 };
}

/** Registers the multipart parser (it only reads a body when a handler asks for its parts). */
export async function installMultipart(fastify: FastifyInstance, limits: MultipartLimits): Promise<void> {
  await fastify.register(multipart, { limits: busboyLimits(limits), throwFileSizeLimit: true });
}

export type MultipartCase = { ok: true; body: Record<string, unknown>; image: Buffer } | { ok: false; problem: Problem };

const mediaType = (value: string | undefined) => (value ?? '').split(';')[0].trim().toLowerCase();
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function looksLikeDicom(bytes: Uint8Array): boolean {
  return bytes.length >= DICOM_MAGIC_OFFSET + 4 && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', DICOM_MAGIC_OFFSET, DICOM_MAGIC_OFFSET + 4) === 'DICM';
}

const partProblem = (part: string, message: string, instance?: string) =>
  parameterProblem(CASE_PROBLEM_TYPES.invalidMultipart, 'The multipart request is invalid', part, message, instance);
const tooLarge = (part: string, limit: number): Problem => ({
  ...simpleProblem(413, PROBLEM_TYPES.bodyTooLarge, 'The request body is too large', `part '${part}': the limit is ${limit} bytes`),
  errors: [{ path: part, pointer: '', message: `larger than ${limit} bytes` }],
});

/**
 * Reads the two parts of a multipart submission. Returns the case body with `inputs.imaging` set to
 * `{format: 'dicom', ...}` (its data left out: the bytes are returned separately), or the problem to send.
 */
export async function readMultipartCase(request: FastifyRequest, limits: MultipartLimits): Promise<MultipartCase> {
  const instance = request.url.split('?')[0];
  let caseText: string | undefined;
  let caseValue: unknown;
  let image: Buffer | undefined;
  try {
    for await (const part of request.parts({ limits: busboyLimits(limits) })) {
      const name = part.fieldname;
      if (name !== 'case' && name !== 'image') {
        return { ok: false, problem: partProblem(name.slice(0, 64) || '(unnamed)', "unexpected part: send exactly 'case' (the case JSON) and 'image' (the DICOM file)", instance) };
      }
      if ((name === 'case' && (caseText !== undefined || caseValue !== undefined)) || (name === 'image' && image !== undefined)) {
        return { ok: false, problem: partProblem(name, 'sent more than once', instance) };
      }
      const type = mediaType(part.mimetype);
      if (name === 'image') {
        if (part.type !== 'file') return { ok: false, problem: partProblem('image', 'must be a file part (Content-Disposition with a filename)', instance) };
        if (!IMAGE_PART_TYPES.includes(type)) return { ok: false, problem: { ...partProblem('image', `Content-Type must be ${IMAGE_PART_TYPES.join(' or ')}`, instance), status: 415, title: 'Unsupported Media Type' } };
        image = await part.toBuffer();
        if (image.length > limits.maxImageBytes) return { ok: false, problem: tooLarge('image', limits.maxImageBytes) };
        continue;
      }
      if (!CASE_PART_TYPES.includes(type)) return { ok: false, problem: { ...partProblem('case', `Content-Type must be ${CASE_PART_TYPES.join(', ')}`, instance), status: 415, title: 'Unsupported Media Type' } };
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (bytes.length > limits.maxCaseBytes) return { ok: false, problem: tooLarge('case', limits.maxCaseBytes) };
        caseText = bytes.toString('utf8');
      } else if (typeof part.value === 'string') {
        if (part.valueTruncated || Buffer.byteLength(part.value) > limits.maxCaseBytes) return { ok: false, problem: tooLarge('case', limits.maxCaseBytes) };
        caseText = part.value;
      } else {
        // A field declared application/json arrives parsed. Its size is that of its compact form, a lower bound.
        if (Buffer.byteLength(JSON.stringify(part.value) ?? '') > limits.maxCaseBytes) return { ok: false, problem: tooLarge('case', limits.maxCaseBytes) };
        caseValue = part.value;
      }
    }
  } catch (err) {
    return { ok: false, problem: multipartError(err, limits, instance) };
  }

  if (caseText === undefined && caseValue === undefined) return { ok: false, problem: partProblem('case', 'missing: send the case JSON as a part named "case"', instance) };
  if (image === undefined) return { ok: false, problem: partProblem('image', 'missing: send the DICOM file as a part named "image" (or POST the case as application/json)', instance) };
  if (caseText !== undefined) {
    try {
      caseValue = JSON.parse(caseText);
    } catch {
      // Not the parser's message: it quotes the offending text, which is patient data.
      return { ok: false, problem: partProblem('case', 'is not valid JSON', instance) };
    }
  }
  if (!isRecord(caseValue)) return { ok: false, problem: partProblem('case', 'must be a JSON object (the case body)', instance) };
  if (!looksLikeDicom(image)) return { ok: false, problem: partProblem('image', "is not a DICOM Part 10 file (no 'DICM' marker at byte 128)", instance) };

  const inputs = caseValue['inputs'];
  if (inputs !== undefined && !isRecord(inputs)) return { ok: true, body: caseValue, image }; // planCase names `inputs`
  const imaging = inputs?.['imaging'];
  if (imaging !== undefined && imaging !== null && !isRecord(imaging)) return { ok: false, problem: caseFieldProblem('inputs.imaging', '/inputs/imaging', 'must be an object such as {"format": "dicom"} (or be left out)', instance) };
  if (isRecord(imaging) && imaging['data'] !== undefined) {
    return { ok: false, problem: caseFieldProblem('inputs.imaging.data', '/inputs/imaging/data', "must be left out: the image is the 'image' part", instance) };
  }
  if (isRecord(imaging) && imaging['format'] !== undefined && imaging['format'] !== 'dicom') {
    return { ok: false, problem: caseFieldProblem('inputs.imaging.format', '/inputs/imaging/format', "must be 'dicom' (or be left out) when the image is sent as a part", instance) };
  }
  const body = { ...caseValue, inputs: { ...(inputs ?? {}), imaging: { ...(isRecord(imaging) ? imaging : {}), format: 'dicom' } } };
  return { ok: true, body, image };
}

function caseFieldProblem(path: string, pointer: string, message: string, instance: string): Problem {
  return {
    type: PROBLEM_TYPES.invalidBody,
    title: 'The request body is invalid',
    status: 400,
    detail: `part 'case': ${path}: ${message}`,
    errors: [{ path, pointer, message }],
    instance,
  };
}

/** Errors of the multipart parser: limits -> 413, anything else (malformed framing, early end) -> 400. */
function multipartError(err: unknown, limits: MultipartLimits, instance: string): Problem {
  const code = (err as { code?: unknown })?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    const part = (err as { part?: { fieldname?: unknown } }).part?.fieldname === 'case' ? 'case' : 'image';
    return tooLarge(part, part === 'case' ? limits.maxCaseBytes : limits.maxImageBytes);
  }
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return { ...simpleProblem(413, PROBLEM_TYPES.bodyTooLarge, 'The request body is too large', "too many parts: send exactly 'case' and 'image'"), instance };
  }
  if (code === 'FST_INVALID_JSON_FIELD_ERROR') {
    return partProblem('case', `is not valid JSON (or is larger than ${limits.maxCaseBytes} bytes)`, instance);
  }
  return { ...simpleProblem(400, CASE_PROBLEM_TYPES.invalidMultipart, 'The multipart request is invalid', 'the multipart/form-data body is malformed (boundary, part headers or an early end)'), instance };
}
