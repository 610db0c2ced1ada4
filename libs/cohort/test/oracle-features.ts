import { COMORBIDITIES, LAB_NAMES, VITAL_SIGN_NAMES, type CaseRequest, type LabName } from '@lf/contracts';
import { LAB_REPORTING } from '../src/lab-units';

/**
 * Simple summary statistics an "oracle" that knows the data-generating process would look at, read
 * from the request itself (not from the latent state). NaN marks a missing field.
 */

/** Ground-glass share of the lungs: pixels in (-750, -200) HU over pixels in (-950, -200) HU. Raw int16 only. */
export function imagingFeatures(request: CaseRequest): number[] {
  const imaging = request.inputs.imaging;
  if (!imaging || imaging.format !== 'raw') throw new Error('the oracle reads raw int16 images');
  const bytes = Buffer.from(imaging.data, 'base64');
  let opaque = 0;
  let lung = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    const hu = bytes.readInt16LE(i);
    if (hu > -950 && hu < -200) {
      lung++;
      if (hu > -750) opaque++;
    }
  }
  const fraction = (opaque + 0.5) / (lung + 1);
  return [Math.log(fraction / (1 - fraction))];
}

const LOG_LABS = new Set<LabName>(['crp', 'wbc', 'lactate', 'creatinine']);

/** Demographics, comorbidities and labs converted back to their canonical unit (log for skewed labs). */
export function tabularFeatures(request: CaseRequest): number[] {
  const t = request.inputs.tabular;
  if (!t) throw new Error('no tabular input');
  const features = [t.ageYears ?? NaN, t.sex === undefined ? NaN : t.sex === 'female' ? 1 : 0, t.bmi ?? NaN];
  for (const c of COMORBIDITIES) {
    const v = t.comorbidities?.[c];
    features.push(v === undefined ? NaN : v ? 1 : 0);
  }
  for (const name of LAB_NAMES) {
    const lab = t.labs?.[name];
    if (!lab) {
      features.push(NaN);
      continue;
    }
    const report = LAB_REPORTING[name].find((r) => r.unit === lab.unit);
    if (!report) throw new Error(`unknown unit ${lab.unit}`);
    const canonical = lab.value / report.factor;
    features.push(LOG_LABS.has(name) ? Math.log(canonical) : canonical);
  }
  return features;
}

/** Per channel: mean over the whole series and over the last 6 h; plus the series length in hours. */
export function vitalsFeatures(request: CaseRequest): number[] {
  const samples = request.inputs.vitals?.samples;
  if (!samples) throw new Error('no vitals input');
  const times = samples.map((s) => Date.parse(s.t));
  const last = Math.max(...times);
  const first = Math.min(...times);
  const features: number[] = [];
  for (const name of VITAL_SIGN_NAMES) {
    let all = 0;
    let nAll = 0;
    let recent = 0;
    let nRecent = 0;
    samples.forEach((s, k) => {
      const v = s[name];
      if (v === undefined) return;
      all += v;
      nAll++;
      if (last - times[k] <= 6 * 3_600_000) {
        recent += v;
        nRecent++;
      }
    });
    features.push(nAll ? all / nAll : NaN, nRecent ? recent / nRecent : NaN);
  }
  features.push((last - first) / 3_600_000);
  return features;
}
