import type { ImagingInput } from '@lf/contracts';
import { encodeDicom } from './encode-dicom';
import { encodeRawInt16 } from './encode-raw';
import { encodeWindowedPng, LUNG_WINDOW } from './encode-png';
import type { Rng } from './rng';
import { syntheticUid } from './synthetic-uid';

export type ConcreteImagingFormat = ImagingInput['format'];

export interface ImagingContext {
  seed: number;
  index: number;
  patientRef: string;
}

/** The request's `imaging` field for an HU slice, in one of the contract's three formats. */
export function buildImagingInput(hu: Int16Array, size: number, format: ConcreteImagingFormat, ctx: ImagingContext): ImagingInput {
  switch (format) {
    case 'dicom':
      return {
        format: 'dicom',
        data: encodeDicom({
          hu,
          rows: size,
          columns: size,
          patientId: ctx.patientRef,
          sopInstanceUid: syntheticUid(ctx.seed, ctx.index, 'sop'),
          studyInstanceUid: syntheticUid(ctx.seed, ctx.index, 'study'),
          seriesInstanceUid: syntheticUid(ctx.seed, ctx.index, 'series'),
          windowCenter: LUNG_WINDOW.center,
          windowWidth: LUNG_WINDOW.width,
        }).toString('base64'),
      };
    case 'png':
      return {
        format: 'png',
        data: encodeWindowedPng(hu, size, size, LUNG_WINDOW).toString('base64'),
        windowCenter: LUNG_WINDOW.center,
        windowWidth: LUNG_WINDOW.width,
      };
    case 'raw':
      return {
        format: 'raw',
        data: encodeRawInt16(hu).toString('base64'),
        dtype: 'int16',
        width: size,
        height: size,
        rescaleSlope: 1,
        rescaleIntercept: 0,
      };
  }
}

/** For imagingFormat 'mixed': the share of each format a heterogeneous hospital fleet might send. */
export function pickMixedFormat(rng: Rng): ConcreteImagingFormat {
  return rng.weighted<ConcreteImagingFormat>([
    ['dicom', 0.5],
    ['png', 0.3],
    ['raw', 0.2],
  ]);
}
