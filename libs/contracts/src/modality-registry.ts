import { z } from 'zod';
import { MODALITY_NAME_PATTERN, type ModalityName } from './modality';

/**
 * Modalities are data, not code paths (DESIGN.md 2): the gateway enqueues and the aggregator waits for
 * exactly the enabled entries of this registry. Adding a modality = a worker app, a model and an entry;
 * retiring one = `enabled: false` (or LF_MODALITIES_DISABLED), after which new cases neither enqueue
 * nor wait for it and fusion re-weights the rest.
 */
export const modalityRegistryEntrySchema = z.object({
  name: z.string().regex(MODALITY_NAME_PATTERN),
  /** BullMQ queue the modality's worker consumes. */
  queue: z.string().regex(MODALITY_NAME_PATTERN),
  /** Model name under models/ that the worker serves. */
  model: z.string().min(1),
  enabled: z.boolean(),
});
export type ModalityRegistryEntry = z.infer<typeof modalityRegistryEntrySchema>;

export const DEFAULT_MODALITY_REGISTRY: readonly ModalityRegistryEntry[] = [
  { name: 'imaging', queue: 'imaging', model: 'imaging', enabled: true },
  { name: 'tabular', queue: 'tabular', model: 'tabular', enabled: true },
  { name: 'vitals', queue: 'vitals', model: 'vitals', enabled: true },
];

/**
 * The registry from the environment: `LF_MODALITY_REGISTRY` (a JSON array of entries) replaces the
 * default; `LF_MODALITIES_DISABLED` (comma-separated names) switches entries off.
 */
export function modalityRegistryFromEnv(env: Record<string, string | undefined>): ModalityRegistryEntry[] {
  let entries: ModalityRegistryEntry[] = DEFAULT_MODALITY_REGISTRY.map((e) => ({ ...e }));
  if (env['LF_MODALITY_REGISTRY']) {
    let raw: unknown;
    try {
      raw = JSON.parse(env['LF_MODALITY_REGISTRY']);
    } catch {
      throw new Error('LF_MODALITY_REGISTRY must be a JSON array of {name, queue, model, enabled}');
    }
    const parsed = z.array(modalityRegistryEntrySchema).min(1).safeParse(raw);
    if (!parsed.success) {
      throw new Error(`LF_MODALITY_REGISTRY: ${parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
    }
    entries = parsed.data;
  }
  const disabled = (env['LF_MODALITIES_DISABLED'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = disabled.filter((name) => !entries.some((e) => e.name === name));
  if (unknown.length > 0) throw new Error(`LF_MODALITIES_DISABLED names unknown modalities: ${unknown.join(', ')}`);
  return entries.map((e) => (disabled.includes(e.name) ? { ...e, enabled: false } : e));
}

export function enabledModalities(registry: readonly ModalityRegistryEntry[]): ModalityName[] {
  return registry.filter((e) => e.enabled).map((e) => e.name);
}
