/**
 * Fusion is trained on validation predictions where every modality is present, but it must serve cases
 * where some are missing. Each validation row is therefore replicated: replica 0 as it is, the others
 * with each modality independently dropped with `rate` (never all of them).
 */
export interface FusionRows {
  modalities: string[];
  /** Calibrated logits, row-major [rows, M]; 0 where absent. */
  z: Float32Array;
  /** 1 where the modality is present, row-major [rows, M]. */
  mask: Float32Array;
  labels: Uint8Array;
}

export function withModalityDropout(rows: FusionRows, replicas: number, rate: number, seed: number): FusionRows {
  const m = rows.modalities.length;
  const n = rows.labels.length;
  const z = new Float32Array(n * m * replicas);
  const mask = new Float32Array(n * m * replicas);
  const labels = new Uint8Array(n * replicas);
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < n; i++) {
      const out = r * n + i;
      labels[out] = rows.labels[i];
      const present = [];
      for (let k = 0; k < m; k++) if (rows.mask[i * m + k] > 0) present.push(k);
      const keep = new Set(present);
      if (r > 0) {
        for (const k of present) if (random() < rate) keep.delete(k);
        if (keep.size === 0 && present.length > 0) keep.add(present[Math.floor(random() * present.length)]);
      }
      for (const k of keep) {
        z[out * m + k] = rows.z[i * m + k];
        mask[out * m + k] = 1;
      }
    }
  }
  return { modalities: rows.modalities, z, mask, labels };
}
