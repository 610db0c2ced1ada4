/**
 * Cheap structural checks of an image payload at the API boundary: the sender hears "this is not a DICOM
 * file" with a 400 at once instead of a later `invalid` score. Only the magic numbers (DICOM, PNG) and the
 * raw size are checked, on the bytes the strict base64 check has just decoded, so a 175 kB slice costs
 * microseconds. Deep decoding stays the imaging worker's job.
 * Returns a message for the `data` field, or undefined when the payload looks right.
 */
import { decodeStrictBase64 } from './strict-base64';

const DICOM_MAGIC_OFFSET = 128;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const RAW_BYTES_PER_SAMPLE = { int16: 2, uint16: 2, float32: 4, uint8: 1 } as const;

/** Bytes a canonical base64 text decodes to. */
export function base64ByteLength(text: string): number {
  let padding = 0;
  while (padding < 2 && text.charCodeAt(text.length - 1 - padding) === 0x3d) padding++;
  return Math.floor(((text.length - padding) * 3) / 4);
}

/** The first `bytes` bytes of canonical base64 text. */
const decodePrefix = (text: string, bytes: number): Buffer => Buffer.from(text.slice(0, Math.ceil(bytes / 3) * 4), 'base64').subarray(0, bytes);

export type ImagePayloadFields =
  | { format: 'dicom'; data: string }
  | { format: 'png'; data: string }
  | { format: 'raw'; data: string; dtype: keyof typeof RAW_BYTES_PER_SAMPLE; width: number; height: number };

/**
 * Callers check `isStrictBase64(input.data)` first. The bytes come from `decodeStrictBase64`, which has just
 * decoded that text (or stands a token in for bytes that arrived as bytes: `withDecodedBase64`); without
 * them, the length and the first bytes are read off the text.
 */
export function imagePayloadProblem(input: ImagePayloadFields): string | undefined {
  const bytes = decodeStrictBase64(input.data);
  const byteLength = bytes ? bytes.length : base64ByteLength(input.data);
  const prefix = (n: number) => (bytes ? bytes.subarray(0, n) : decodePrefix(input.data, n));
  switch (input.format) {
    case 'dicom': {
      if (byteLength < DICOM_MAGIC_OFFSET + 4 || prefix(DICOM_MAGIC_OFFSET + 4).toString('latin1', DICOM_MAGIC_OFFSET) !== 'DICM') {
        return "is not a DICOM Part 10 file (no 'DICM' marker at byte 128)";
      }
      return undefined;
    }
    case 'png':
      return prefix(8).equals(PNG_SIGNATURE) ? undefined : 'is not a PNG file (bad signature)';
    case 'raw': {
      const expected = input.width * input.height * RAW_BYTES_PER_SAMPLE[input.dtype];
      const actual = byteLength;
      return actual === expected ? undefined : `has ${actual} bytes but ${input.width}x${input.height} ${input.dtype} needs exactly ${expected}`;
    }
  }
}
