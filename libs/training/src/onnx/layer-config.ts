import type * as tf from '@tensorflow/tfjs';

/*
 * Typed reads of a tfjs layer's serialized config (getConfig() is an untyped dictionary). Each throws an
 * error naming the layer, so an exotic config fails export loudly instead of producing a subtly wrong graph.
 */
type Config = ReturnType<tf.layers.Layer['getConfig']>;

function describe(layer: tf.layers.Layer): string {
  return `${layer.getClassName()} layer "${layer.name}"`;
}

/** A number-or-tuple option (kernelSize, strides, dilationRate) expanded to `rank` entries. */
export function configTuple(layer: tf.layers.Layer, config: Config, key: string, rank: number): number[] {
  const raw = config[key];
  const values = typeof raw === 'number' ? Array<number>(rank).fill(raw) : raw;
  if (!Array.isArray(values) || values.length !== rank || !values.every((v) => typeof v === 'number')) {
    throw new Error(`${describe(layer)}: cannot read "${key}" as ${rank} integers (got ${JSON.stringify(raw)})`);
  }
  return values as number[];
}

export function configString(layer: tf.layers.Layer, config: Config, key: string, fallback?: string): string {
  const raw = config[key] ?? fallback;
  if (typeof raw !== 'string') throw new Error(`${describe(layer)}: missing string option "${key}"`);
  return raw;
}

export function unsupportedOption(layer: tf.layers.Layer, detail: string): Error {
  return new Error(`ONNX export: ${describe(layer)} uses ${detail}, which the exporter does not support`);
}
