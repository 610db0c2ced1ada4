/**
 * The `raw` imaging format: row-major int16 little-endian HU (rescale slope 1, intercept 0).
 * writeInt16LE rather than a view over the Int16Array, so the bytes are little endian on any host.
 */
export function encodeRawInt16(hu: Int16Array): Buffer {
  const out = Buffer.alloc(hu.length * 2);
  for (let i = 0; i < hu.length; i++) out.writeInt16LE(hu[i], i * 2);
  return out;
}
