/**
 * The modalities this release ships with. Runtime code must not switch on these names: the set of
 * active modalities is a registry (name, queue, model, default weight, enabled) read from config, so a
 * fourth modality is a registry entry plus a worker app. This tuple only types the built-in ones.
 */
export const BUILT_IN_MODALITIES = ['imaging', 'tabular', 'vitals'] as const;
export type BuiltInModality = (typeof BUILT_IN_MODALITIES)[number];

/** Any modality name: lower-case kebab, usable as a queue name and a job-id suffix (no ':'). */
export type ModalityName = string;
export const MODALITY_NAME_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
