import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { generateCohort } from '@lf/cohort';
import type { ModalityEvidence } from '@lf/contracts';
import { auroc, fuse, type FusionParams } from '@lf/fusion';
import { createKeyBuilder } from '@lf/redis';
import { resolveModelDir } from '@lf/training';
import { API_KEY, startSystemFixture, OTHER_TENANT_KEY, type SystemFixture } from './support/system-fixture';

/**
 * Declares an 11 MB JSON body and waits for the answer before sending it, as a client honouring an early
 * response does: the gateway must refuse from the Content-Length alone, before reading a byte of the body.
 * (Streaming the body with fetch instead races the server's close and fails with EPIPE.)
 */
function postOversizedHeadersOnly(url: string, contentLength: number): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer to an oversized request within 5 s')));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) {
        resolve(Number(match[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.write(
      `POST /v1/cases HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${API_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`,
    );
  });
}

// DESIGN.md 3 end to end: every app is its own process, talking only through BullMQ and Redis.
describe('the pipeline, end to end', () => {
  let fx: SystemFixture;
  beforeAll(async () => {
    fx = await startSystemFixture();
  }, 90_000);
  afterAll(() => fx?.stop());

  const fusionParams = (): FusionParams => {
    const manifest = JSON.parse(readFileSync(join(resolveModelDir('models', 'fusion'), 'manifest.json'), 'utf8'));
    return manifest.fusion.params as FusionParams;
  };

  it('fuses cases with every modality into complete results equal to libs/fusion over the workers\' records', async () => {
    const cases = [...generateCohort({ seed: 777, n: 240, naturalMissingness: false, imagingFormat: 'mixed' })];
    const ids: string[] = [];
    for (let i = 0; i < cases.length; i += 24) {
      const batch = await Promise.all(cases.slice(i, i + 24).map((c) => fx.submit({ ...c.request, deadlineMs: 30_000, strategy: 'stacking' })));
      for (const r of batch) {
        expect(r.status).toBe(202);
        expect(r.body['status']).toBe('pending');
        ids.push(String(r.body['caseId']));
      }
    }
    const results = await Promise.all(ids.map((id) => fx.waitForFinal(id)));
    const params = fusionParams();
    for (const r of results) {
      expect(r.status).toBe('complete');
      expect(r.result!.completedBy).toBe('all-replied');
      expect(r.result!.missing).toEqual([]);
      const evidence: ModalityEvidence[] = Object.entries(r.result!.modalities).map(([modality, m]) => ({
        modality,
        status: m.status as ModalityEvidence['status'],
        probability: m.probability,
      }));
      expect(evidence.map((e) => e.status)).toEqual(['ok', 'ok', 'ok']);
      const expected = await fuse('stacking', evidence, params);
      expect(Math.abs(r.result!.probability - expected.probability)).toBeLessThanOrEqual(1e-9);
      for (const m of Object.values(r.result!.modalities)) expect(m.modelVersion).toMatch(/^\d+\.\d+\.\d+/);
    }
    // In line with `npm run evaluate` (test-split AUROC of the fused output ~0.8): a few hundred cases are noisy.
    const fusedAuroc = auroc(results.map((r) => r.result!.probability), cases.map((c) => c.label));
    expect(fusedAuroc).toBeGreaterThan(0.72);
  });

  it('fuses a case without a modality as soon as the others reply, not at its deadline', async () => {
    const [c] = [...generateCohort({ seed: 778, n: 1, naturalMissingness: false })];
    const { vitals: _omitted, ...inputs } = c.request.inputs;
    const submitted = await fx.submit({ ...c.request, inputs, deadlineMs: 20_000 });
    expect(submitted.status).toBe(202);
    const started = Date.now();
    const result = await fx.waitForFinal(String(submitted.body['caseId']), 10_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.result!.completedBy).toBe('all-replied');
    expect(Object.keys(result.result!.modalities).sort()).toEqual(['imaging', 'tabular']);
    expect(result.status).toBe('complete');
  });

  it('answers bad bodies with a 4xx that names the problem, enqueues nothing, and keeps serving', async () => {
    const keys = createKeyBuilder();
    const queues = ['imaging', 'tabular', 'vitals'].map((name) => new Queue(name, { connection: fx.connection, prefix: keys.queuePrefix(name) }));
    const counts = async () => (await Promise.all(queues.map((q) => q.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed')))).reduce((a, b) => a + b, 0);
    const before = await counts();
    const [c] = [...generateCohort({ seed: 779, n: 1, naturalMissingness: false })];

    const noInputs = await fx.submit({ patientRef: 'x', inputs: {} });
    expect(noInputs.status).toBe(400);
    expect(JSON.stringify(noInputs.body)).toContain('inputs');

    const wrongType = await fx.submit({ patientRef: 'x', inputs: { tabular: { ageYears: 'old' } } });
    expect(wrongType.status).toBe(400);
    expect(JSON.stringify(wrongType.body)).toContain('ageYears');

    const corruptImage = await fx.submit({ patientRef: 'x', inputs: { imaging: { format: 'dicom', data: '%%%not-base64%%%' } } });
    expect(corruptImage.status).toBe(400);
    expect(JSON.stringify(corruptImage.body)).toContain('imaging');

    const notJson = await fx.submit('{"patientRef": ');
    expect(notJson.status).toBe(400);

    expect(await postOversizedHeadersOnly(`${fx.system.gatewayUrl}/v1/cases`, 11 * 1024 * 1024)).toBe(413);

    const unauthenticated = await fetch(`${fx.system.gatewayUrl}/v1/cases`, { method: 'POST', body: JSON.stringify(c.request), headers: { 'content-type': 'application/json' } });
    expect(unauthenticated.status).toBe(401);

    await new Promise((r) => setTimeout(r, 200));
    expect(await counts()).toBe(before);
    await Promise.all(queues.map((q) => q.close()));

    const ok = await fx.submit(c.request);
    expect(ok.status).toBe(202);
    expect((await fx.waitForFinal(String(ok.body['caseId']))).status).not.toBe('pending');
  });

  it('hides a case from another tenant exactly like an unknown id', async () => {
    const [c] = [...generateCohort({ seed: 780, n: 1 })];
    const submitted = await fx.submit(c.request);
    const other = await fx.get(String(submitted.body['caseId']), OTHER_TENANT_KEY);
    const unknown = await fx.get('0190b7a0-0000-7000-8000-000000000000');
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
  });
});
