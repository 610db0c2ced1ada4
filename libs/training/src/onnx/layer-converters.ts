import { convConverter } from './convert-conv';
import { denseConverter } from './convert-dense';
import { globalPoolingConverter } from './convert-global-pooling';
import {
  activationConverter,
  concatenateConverter,
  flattenConverter,
  identityConverter,
} from './convert-structural';
import type { LayerConverter } from './layer-converter';

/**
 * tfjs layer class name -> converter. Deliberately a closed list: every entry is covered by a parity test,
 * and an unlisted layer fails export with its class name rather than being approximated.
 */
export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Conv1D: convConverter(1),
  Conv2D: convConverter(2),
  Dense: denseConverter,
  Activation: activationConverter,
  GlobalAveragePooling1D: globalPoolingConverter('GlobalAveragePool'),
  GlobalAveragePooling2D: globalPoolingConverter('GlobalAveragePool'),
  GlobalMaxPooling1D: globalPoolingConverter('GlobalMaxPool'),
  GlobalMaxPooling2D: globalPoolingConverter('GlobalMaxPool'),
  Flatten: flattenConverter,
  Concatenate: concatenateConverter,
  Dropout: identityConverter,
  SpatialDropout1D: identityConverter,
};
