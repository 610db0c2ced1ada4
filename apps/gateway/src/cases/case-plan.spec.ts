import { decodeInputBlob, DEFAULT_MODALITY_REGISTRY, modalityRegistryFromEnv, type ModalityRegistryEntry } from '@lf/contracts';
import { MAX_BODY_DEPTH, planCase, tooDeepAt, type CasePlan } from './case-plan';

const defaults = { strategy: 'log-odds' as const, deadlineMs: 2000 };
const tabular = { ageYears: 70, labs: { crp: { value: 12, unit: 'mg/L' } } };
const vitals = { samples: [{ t: '2024-01-01T00:00:00Z', heartRate: 90 }] };
const imaging = { format: 'png', data: 'iVBORw0KGgo=' };

function plan(body: unknown, registry: readonly ModalityRegistryEntry[] = DEFAULT_MODALITY_REGISTRY): CasePlan {
  const outcome = planCase(body, registry, defaults);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.plan;
}

describe('planCase', () => {
  it('expects the present enabled modalities in registry order, with defaults', () => {
    const p = plan({ patientRef: 'p', inputs: { vitals, tabular } });
    expect(p.expected).toEqual(['tabular', 'vitals']);
    expect(p.ignored).toEqual([]);
    expect(p.strategy).toBe('log-odds');
    expect(p.deadlineMs).toBe(2000);
  });

  it('takes strategy and deadline from the body', () => {
    const p = plan({ patientRef: 'p', inputs: { tabular }, strategy: 'attention', deadlineMs: 750 });
    expect([p.strategy, p.deadlineMs]).toEqual(['attention', 750]);
  });

  it('stores each expected input with schema defaults and without unknown fields, the image as raw bytes', () => {
    const p = plan({ patientRef: 'p', inputs: { imaging: { ...imaging, extra: 'x' }, tabular } });
    expect(decodeInputBlob(p.blobs['imaging'])).toEqual({ ...imaging, data: Buffer.from(imaging.data, 'base64'), windowCenter: -600, windowWidth: 1500 });
    expect(p.blobs['imaging'].includes(imaging.data)).toBe(false);
    expect(decodeInputBlob(p.blobs['tabular'])).toEqual(tabular);
    expect(Object.keys(p.blobs)).toEqual(['imaging', 'tabular']);
  });

  it('never puts the patient reference into a blob', () => {
    const p = plan({ patientRef: 'MRN-998877', inputs: { imaging, tabular, vitals } });
    for (const blob of Object.values(p.blobs)) expect(blob.toString('utf8')).not.toContain('MRN-998877');
  });

  it('ignores (and reports) inputs of a disabled modality', () => {
    const registry = modalityRegistryFromEnv({ LF_MODALITIES_DISABLED: 'imaging' });
    const p = plan({ patientRef: 'p', inputs: { imaging, vitals } }, registry);
    expect(p.expected).toEqual(['vitals']);
    expect(p.ignored).toEqual(['imaging']);
    expect(p.blobs['imaging']).toBeUndefined();
  });

  it('rejects a body whose only inputs belong to disabled modalities', () => {
    const registry = modalityRegistryFromEnv({ LF_MODALITIES_DISABLED: 'imaging' });
    const outcome = planCase({ patientRef: 'p', inputs: { imaging } }, registry, defaults);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors[0]).toMatchObject({ path: 'inputs', message: expect.stringContaining('ignored: imaging') });
  });

  it('passes through the input of a registered modality that has no schema in the contracts', () => {
    const registry = [...DEFAULT_MODALITY_REGISTRY, { name: 'notes', queue: 'notes', model: 'notes', enabled: true }];
    const p = plan({ patientRef: 'p', inputs: { tabular, notes: { text: 'short of breath' } } }, registry);
    expect(p.expected).toEqual(['tabular', 'notes']);
    expect(decodeInputBlob(p.blobs['notes'])).toEqual({ text: 'short of breath' });
  });

  it('reports unknown input keys as ignored', () => {
    expect(plan({ patientRef: 'p', inputs: { tabular, ecg: { leads: 12 } } }).ignored).toEqual(['ecg']);
  });

  it.each([
    ['truncated', 'iVBORw0KGgoA' + 'A'],
    ['bad padding', 'iVBORw0KGgo=='],
    ['non-zero trailing bits', 'iVBORw0KGgp='],
  ])('rejects %s imaging base64 naming inputs.imaging.data', (_label, data) => {
    const outcome = planCase({ patientRef: 'p', inputs: { imaging: { format: 'png', data } } }, DEFAULT_MODALITY_REGISTRY, defaults);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors.map((e) => e.path)).toEqual(['inputs.imaging.data']);
  });

  it('returns the schema errors for an invalid body', () => {
    const outcome = planCase({ inputs: { tabular: { ageYears: -1 } } }, DEFAULT_MODALITY_REGISTRY, defaults);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors.map((e) => e.path).sort()).toEqual(['inputs.tabular.ageYears', 'patientRef']);
  });

  it('keeps the decoded bytes of binary fields, for the request digest', () => {
    expect(plan({ patientRef: 'p', inputs: { imaging, tabular } }).binaries).toEqual({ imaging: Buffer.from(imaging.data, 'base64') });
  });

  describe('with the image sent out of band (multipart)', () => {
    const dicom = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([1, 2, 3])]);
    const withBytes = (body: unknown) => planCase(body, DEFAULT_MODALITY_REGISTRY, defaults, { binaries: { imaging: dicom } });

    it('stores the bytes as they are, with the other imaging fields', () => {
      const outcome = withBytes({ patientRef: 'p', inputs: { imaging: { format: 'dicom' }, tabular } });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
      expect(outcome.plan.expected).toEqual(['imaging', 'tabular']);
      expect(decodeInputBlob(outcome.plan.blobs['imaging'])).toEqual({ format: 'dicom', data: dicom });
      expect(outcome.plan.binaries['imaging']).toBe(dicom);
    });

    it('still validates every other field', () => {
      const outcome = withBytes({ inputs: { imaging: { format: 'dicom' }, tabular: { ageYears: 'old' } } });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.errors.map((e) => e.path).sort()).toEqual(['inputs.tabular.ageYears', 'patientRef']);
    });
  });

  it('refuses bodies nested deeper than the limit, naming where, without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const outcome = planCase({ patientRef: 'p', inputs: { tabular, notes: deep } }, DEFAULT_MODALITY_REGISTRY, defaults);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors[0]).toMatchObject({ path: expect.stringMatching(/^inputs\.notes\[0\]/), message: `nested more than ${MAX_BODY_DEPTH} levels deep` });
    expect(tooDeepAt({ a: { b: [1] } }, 3)).toBeUndefined();
    expect(tooDeepAt({ a: { b: [[1]] } }, 3)).toEqual(['a', 'b', 0]);
  });
});
