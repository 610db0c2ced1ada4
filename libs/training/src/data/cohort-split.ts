import { generateCohort, type CohortOptions } from '@lf/cohort';
import type { TabularInput, VitalsInput } from '@lf/contracts';
import { preprocessImaging, type ImagingSpec } from '@lf/preprocessing';

/**
 * One split of the synthetic cohort held in memory for training: labels per case, images already
 * preprocessed (imaging preprocessing needs no fitted statistics, and keeping 256x256 pixels for
 * thousands of cases would cost gigabytes), tabular and vitals inputs kept raw because their
 * statistics are fitted on the training split first.
 */
export interface CohortSplit {
  seed: number;
  n: number;
  labels: Uint8Array;
  /** Images in NHWC order (tfjs' layout), transposed from preprocessing's channel-first tensors. */
  imaging: { caseIndex: Int32Array; x: Float32Array; size: number; channels: number };
  tabular: { caseIndex: number[]; inputs: TabularInput[] };
  vitals: { caseIndex: number[]; inputs: VitalsInput[] };
  /** Inputs the preprocessing rejected (a bug in the generator if non-zero). */
  rejected: number;
}

export function collectCohortSplit(options: CohortOptions, imagingSpec: ImagingSpec): CohortSplit {
  const labels = new Uint8Array(options.n);
  const channels = 1 + (imagingSpec.bands?.length ?? 0);
  const plane = imagingSpec.size * imagingSpec.size;
  const pixels = plane * channels;
  const imageRows: number[] = [];
  let images = new Float32Array(Math.max(1, options.n) * pixels);
  const split: CohortSplit = {
    seed: options.seed,
    n: options.n,
    labels,
    imaging: { caseIndex: new Int32Array(0), x: images, size: imagingSpec.size, channels },
    tabular: { caseIndex: [], inputs: [] },
    vitals: { caseIndex: [], inputs: [] },
    rejected: 0,
  };
  let index = 0;
  for (const generated of generateCohort(options)) {
    labels[index] = generated.label;
    const { imaging, tabular, vitals } = generated.request.inputs;
    if (imaging) {
      try {
        const { tensor } = preprocessImaging(imaging, imagingSpec);
        const offset = imageRows.length * pixels;
        for (let c = 0; c < channels; c++) for (let i = 0; i < plane; i++) images[offset + i * channels + c] = tensor[c * plane + i];
        imageRows.push(index);
      } catch {
        split.rejected++;
      }
    }
    if (tabular) {
      split.tabular.caseIndex.push(index);
      split.tabular.inputs.push(tabular);
    }
    if (vitals) {
      split.vitals.caseIndex.push(index);
      split.vitals.inputs.push(vitals);
    }
    index++;
  }
  images = images.slice(0, imageRows.length * pixels);
  split.imaging = { caseIndex: Int32Array.from(imageRows), x: images, size: imagingSpec.size, channels };
  return split;
}
