/**
 * FHIR R4 through the real gateway against a real Redis: a Bundle becomes a case exactly as its JSON would
 * (blobs, jobs, report of unknown codes), errors name their path in the Bundle, and the RiskAssessment of a
 * pending and of a fused case is valid FHIR R4 (the official JSON schema plus Medplum's validator).
 */
import { Redis } from 'ioredis';
import { generateCohort } from '@lf/cohort';
import { decodeInputBlob, type CaseRequest } from '@lf/contracts';
import { caseRequestToBundle } from '@lf/fhir';
import { createLogger } from '@lf/observability';
import { CaseStore, createKeyBuilder } from '@lf/redis';
import { fhirR4Issues, startRedisServer, type RedisServerHandle } from '@lf/testing';
import { gatewayConfigFromEnv } from '../src/config/gateway.config';
import { createGateway, type Gateway } from '../src/create-gateway';

jest.setTimeout(60_000);

const NORTH = 'north-fhir-key-0123456789';
const SOUTH = 'south-fhir-key-0123456789';
const keys = createKeyBuilder();
let server: RedisServerHandle;
let redis: Redis;
let gateway: Gateway;
let store: CaseStore;

const [cohortCase] = [...generateCohort({ seed: 3030, n: 1, naturalMissingness: false, imagingFormat: 'dicom', imageSize: 64 })];
const request = cohortCase.request as CaseRequest;
const bundle = caseRequestToBundle(request, { type: 'transaction', imagingResource: 'DocumentReference', units: { temperature: '[degF]' } }) as unknown as Record<string, unknown>;

const post = (body: unknown, headers: Record<string, string> = {}) =>
  gateway.app.inject({
    method: 'POST',
    url: '/fhir/R4/Bundle',
    headers: { authorization: `Bearer ${NORTH}`, 'content-type': 'application/fhir+json', ...headers },
    payload: JSON.stringify(body),
  });
const riskAssessment = (id: string, key = NORTH) => gateway.app.inject({ method: 'GET', url: `/fhir/R4/RiskAssessment/${id}`, headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  gateway = await createGateway(gatewayConfigFromEnv({ LF_API_KEYS: `north:${NORTH},south:${SOUTH}`, REDIS_URL: server.url }), {
    logger: createLogger({ app: 'fhir-test', sink: () => undefined }),
  });
  store = new CaseStore(redis, keys);
});

afterAll(async () => {
  await gateway?.close();
  redis?.disconnect();
  await server?.stop();
});

describe('POST /fhir/R4/Bundle', () => {
  it('turns a transaction Bundle into the same case as its JSON, reporting the unit conversion', async () => {
    const res = await post(bundle);
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(res.headers['location']).toBe(`/fhir/R4/RiskAssessment/${body.caseId}`);
    expect(body.report.conversions.map((c: { from: string; to: string }) => [c.from, c.to])).toContainEqual(['[degF]', 'Cel']);
    const view = await store.get(body.caseId);
    expect(view!.expected).toEqual(Object.keys(request.inputs).filter((m) => ['imaging', 'tabular', 'vitals'].includes(m)));
    expect(view!.basis!.length).toBeGreaterThan(2);
    // The image travels as the DICOM bytes, exactly those of the original case.
    const blob = decodeInputBlob((await store.readBlob(keys.blob(body.caseId, 'imaging')))!) as { format: string; data: Buffer };
    expect(blob.format).toBe('dicom');
    expect(blob.data.equals(Buffer.from((request.inputs.imaging as { data: string }).data, 'base64'))).toBe(true);
  });

  it('reports codes it does not know instead of dropping them silently', async () => {
    const entry = [...(bundle['entry'] as unknown[])];
    entry.push({
      fullUrl: 'urn:uuid:7d1c1f9a-0000-4000-8000-000000000001',
      resource: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] }, valueQuantity: { value: 5.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' } },
      request: { method: 'POST', url: 'Observation' },
    });
    const res = await post({ ...bundle, entry });
    expect(res.statusCode).toBe(202);
    expect(res.json().report.unknownCodes).toEqual([expect.objectContaining({ system: 'http://loinc.org', code: '2345-7', path: `entry[${entry.length - 1}].resource.code.coding[0]` })]);
  });

  it('answers 400 naming each problem by its path in the Bundle, and stores nothing', async () => {
    const before = (await redis.keys('lf:case:*')).length;
    const broken = JSON.parse(JSON.stringify(bundle));
    const vital = broken.entry.findIndex((e: { resource: { resourceType: string; valueQuantity?: unknown } }) => e.resource.resourceType === 'Observation' && e.resource.valueQuantity);
    broken.entry[vital].resource.valueQuantity.code = 'furlongs';
    const res = await post(broken);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem.type).toBe('urn:lf:problem:invalid-fhir-bundle');
    expect(problem.errors.map((e: { path: string }) => e.path).join(' ')).toContain(`entry[${vital}].resource.valueQuantity`);
    expect((await redis.keys('lf:case:*')).length).toBe(before);
    expect((await post({ resourceType: 'Patient' })).statusCode).toBe(400);
  });

  it('accepts plain application/json, refuses other media types', async () => {
    expect((await post(bundle, { 'content-type': 'application/json' })).statusCode).toBe(202);
    expect((await post(bundle, { 'content-type': 'application/xml' })).statusCode).toBe(415);
  });

  it('honours Idempotency-Key like /v1/cases', async () => {
    const first = await post(bundle, { 'idempotency-key': 'fhir-retry-1' });
    const again = await post(bundle, { 'idempotency-key': 'fhir-retry-1' });
    expect([first.statusCode, again.statusCode]).toEqual([202, 200]);
    expect(again.json().caseId).toBe(first.json().caseId);
  });
});

describe('GET /fhir/R4/RiskAssessment/{id}', () => {
  it('is a valid R4 RiskAssessment while pending and once fused, and 404 for another tenant', async () => {
    const { caseId } = (await post(bundle)).json();
    const pending = await riskAssessment(caseId);
    expect(pending.statusCode).toBe(200);
    expect(pending.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(pending.json()).toMatchObject({ resourceType: 'RiskAssessment', id: caseId, status: 'registered' });
    expect(fhirR4Issues(pending.json())).toEqual([]);

    const view = (await store.get(caseId))!;
    for (const m of view.expected) {
      await store.recordScore(caseId, { modality: m, status: 'ok', probability: 0.4, logit: -0.4, modelId: m, modelVersion: '1.0.0', latencyMs: 5, qualityFlags: [] });
    }
    expect((await store.finalize(caseId, 'all-replied')).admitted).toBe(true);
    await store.storeResult(caseId, {
      status: 'complete',
      fused: {
        strategy: 'log-odds',
        probability: 0.42,
        riskBand: 'moderate',
        degraded: false,
        contributions: view.expected.map((m) => ({ modality: m, status: 'ok' as const, weight: 1 / view.expected.length, probability: 0.4 })),
      },
    } as never);
    const fused = await riskAssessment(caseId);
    const resource = fused.json();
    expect(resource).toMatchObject({ resourceType: 'RiskAssessment', status: 'final' });
    expect(resource.prediction[0].probabilityDecimal).toBeCloseTo(0.42, 12);
    expect(resource.basis.length).toBe(view.basis!.length);
    expect(fhirR4Issues(resource)).toEqual([]);

    expect((await riskAssessment(caseId, SOUTH)).statusCode).toBe(404);
    expect((await riskAssessment('no-such-case')).statusCode).toBe(404);
  });
});
