import { generateCohort, renderSliceHu, Rng } from '@lf/cohort';
import type { CaseRequest } from '@lf/contracts';
import { caseRequestToBundle } from '@lf/fhir';
import { fhirR4Issues, writeDicomWithDcmjs } from '@lf/testing';
import { API_KEY, startSystemFixture, type CaseResponse, type SystemFixture } from './support/system-fixture';

/**
 * Every input format a hospital can send, through the running apps: JSON with a base64 DICOM, PNG and raw
 * slice; multipart with a DICOM file written by another library (dcmjs) than the one that reads it
 * (dicom-parser); and FHIR R4 Bundles (collection with Media, transaction with Binary and a unit the model
 * does not use). Each case is fused `complete` with the imaging model's score, and the FHIR case's
 * RiskAssessment is valid FHIR R4. The same slice scores the same in every envelope.
 */
describe('input formats, end to end', () => {
  let fx: SystemFixture;
  beforeAll(async () => {
    fx = await startSystemFixture();
  }, 90_000);
  afterAll(() => fx?.stop());

  const auth = { authorization: `Bearer ${API_KEY}` };
  const [base] = [...generateCohort({ seed: 5050, n: 1, naturalMissingness: false, imagingFormat: 'dicom', imageSize: 64 })];
  const request = base.request as CaseRequest;

  const final = async (response: Response): Promise<CaseResponse> => {
    expect([response.status, await response.clone().text().then((t) => t.slice(0, 300))]).toEqual([202, expect.any(String)]);
    const { caseId } = (await response.json()) as { caseId: string };
    const result = await fx.waitForFinal(caseId, 30_000);
    expect(result.status).toBe('complete');
    expect(result.result!.modalities['imaging']).toMatchObject({ status: 'ok', probability: expect.any(Number) });
    return result;
  };
  const json = (body: unknown, contentType = 'application/json') =>
    fetch(`${fx.system.gatewayUrl}/v1/cases`, { method: 'POST', headers: { ...auth, 'content-type': contentType }, body: JSON.stringify(body) });

  it('scores the same slice identically as JSON base64 DICOM and as a FHIR Bundle (Media, collection)', async () => {
    const asJson = await final(await json(request));
    const bundle = caseRequestToBundle(request, { type: 'collection', imagingResource: 'Media' });
    const asFhir = await final(await fetch(`${fx.system.gatewayUrl}/fhir/R4/Bundle`, { method: 'POST', headers: { ...auth, 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle) }));
    for (const m of ['imaging', 'tabular', 'vitals']) expect(asFhir.result!.modalities[m].probability).toBeCloseTo(asJson.result!.modalities[m].probability!, 12);
    expect(asFhir.result!.probability).toBeCloseTo(asJson.result!.probability!, 12);

    const risk = await fetch(`${fx.system.gatewayUrl}/fhir/R4/RiskAssessment/${asFhir.caseId}`, { headers: auth });
    expect(risk.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const resource = (await risk.json()) as { resourceType: string; status: string; prediction: Array<{ probabilityDecimal: number }> };
    expect(resource).toMatchObject({ resourceType: 'RiskAssessment', status: 'final' });
    expect(resource.prediction[0].probabilityDecimal).toBeCloseTo(asFhir.result!.probability!, 12);
    expect(fhirR4Issues(resource)).toEqual([]);
  }, 60_000);

  it('converts UCUM units in a transaction Bundle with the image as a Binary, to the same scores', async () => {
    const asJson = await final(await json(request));
    const bundle = caseRequestToBundle(request, { type: 'transaction', imagingResource: 'Binary', units: { temperature: '[degF]' } });
    const response = await fetch(`${fx.system.gatewayUrl}/fhir/R4/Bundle`, { method: 'POST', headers: { ...auth, 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle) });
    const report = ((await response.clone().json()) as { report: { conversions: Array<{ from: string; to: string }> } }).report;
    expect(report.conversions.map((c) => `${c.from}->${c.to}`)).toContain('[degF]->Cel');
    const asFhir = await final(response);
    expect(asFhir.result!.modalities['vitals'].probability).toBeCloseTo(asJson.result!.modalities['vitals'].probability!, 6);
  }, 60_000);

  it('scores a DICOM file written by dcmjs, sent as a multipart file part exactly as written', async () => {
    const size = 64;
    const dicom = writeDicomWithDcmjs({ hu: renderSliceHu(new Rng(11), 0.8, size), rows: size, columns: size, implicitVr: true });
    const { inputs, ...rest } = request;
    const { imaging: _image, ...others } = inputs as Record<string, unknown>;
    const form = new FormData();
    form.append('case', new Blob([JSON.stringify({ ...rest, inputs: others })], { type: 'application/json' }), 'case.json');
    form.append('image', new Blob([new Uint8Array(dicom)], { type: 'application/dicom' }), 'slice.dcm');
    const result = await final(await fetch(`${fx.system.gatewayUrl}/v1/cases`, { method: 'POST', headers: auth, body: form }));
    expect(result.result!.modalities['imaging'].error).toBeUndefined();
  }, 60_000);

  it('scores PNG and raw slices sent as JSON', async () => {
    for (const imagingFormat of ['png', 'raw'] as const) {
      const [c] = [...generateCohort({ seed: 5051, n: 1, naturalMissingness: false, imagingFormat, imageSize: 64 })];
      expect((c.request.inputs.imaging as { format: string }).format).toBe(imagingFormat);
      await final(await json(c.request));
    }
  }, 60_000);
});
