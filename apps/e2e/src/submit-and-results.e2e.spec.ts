import { generateCohort } from '@lf/cohort';
import { API_KEY, startSystemFixture, type CaseResponse, type SystemFixture } from './support/system-fixture';

/**
 * Issue 4's submission and result routes through the running apps (each its own process): a DICOM file sent
 * as a multipart part is scored by the imaging worker; a long-poll answers with the fused result as soon as
 * it exists; the SSE stream carries the lifecycle to the result; a batch's cases are all fused; and an
 * Idempotency-Key retry after the case finished returns it without queueing anything again.
 */
describe('submitting and getting results, end to end', () => {
  let fx: SystemFixture;
  beforeAll(async () => {
    fx = await startSystemFixture({ env: { gateway: { LF_SSE_GRACE_MS: '500' } } });
  }, 90_000);
  afterAll(() => fx?.stop());

  const auth = { authorization: `Bearer ${API_KEY}` };
  const cohort = [...generateCohort({ seed: 4040, n: 12, naturalMissingness: false, imagingFormat: 'dicom', imageSize: 64 })];

  it('scores a multipart DICOM upload, and the long-poll answers with the fused result', async () => {
    const { inputs, ...rest } = cohort[0].request;
    const { imaging, ...others } = inputs as Record<string, unknown> & { imaging: { data: string } };
    const form = new FormData();
    form.append('case', new Blob([JSON.stringify({ ...rest, deadlineMs: 20_000, inputs: others })], { type: 'application/json' }), 'case.json');
    form.append('image', new Blob([new Uint8Array(Buffer.from(imaging.data, 'base64'))], { type: 'application/dicom' }), 'slice.dcm');
    const submitted = await fetch(`${fx.system.gatewayUrl}/v1/cases`, { method: 'POST', headers: auth, body: form });
    expect(submitted.status).toBe(202);
    const { caseId } = (await submitted.json()) as { caseId: string };

    const started = Date.now();
    const waited = await fetch(`${fx.system.gatewayUrl}/v1/cases/${caseId}?wait=15s`, { headers: auth });
    const body = (await waited.json()) as CaseResponse;
    expect(body.status).toBe('complete');
    expect(body.result!.modalities['imaging']).toMatchObject({ status: 'ok', probability: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('streams the lifecycle of a case as server-sent events, ending after the result', async () => {
    const submitted = await fx.submit({ ...cohort[1].request, deadlineMs: 20_000 });
    const caseId = String(submitted.body['caseId']);
    const res = await fetch(`${fx.system.gatewayUrl}/v1/cases/${caseId}/events`, { headers: auth });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text(); // the stream ends LF_SSE_GRACE_MS after the result
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('submitted');
    expect(events.filter((e) => e === 'score').sort()).toHaveLength(3);
    expect(events.slice(-2)).toEqual(['finalized', 'result']);
    const result = JSON.parse(/^event: result\ndata: (.+)$/m.exec(text)![1]) as CaseResponse & { type: string };
    expect(result).toMatchObject({ type: 'result', caseId, status: 'complete' });
  }, 30_000);

  it('fuses every case of a batch, and an Idempotency-Key retry of a finished case queues nothing', async () => {
    const cases = cohort.slice(2, 12).map((c, i) => ({ ...c.request, deadlineMs: 20_000, idempotencyKey: `e2e-batch-${i}` }));
    const post = () =>
      fetch(`${fx.system.gatewayUrl}/v1/cases:batch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ cases }) });
    const first = (await (await post()).json()) as { results: Array<{ status: number; caseId: string }> };
    expect(first.results.map((r) => r.status)).toEqual(Array(10).fill(202));
    const finals = await Promise.all(first.results.map((r) => fx.waitForFinal(r.caseId)));
    expect(finals.map((f) => f.status)).toEqual(Array(10).fill('complete'));

    const eventsBefore = await Promise.all(first.results.map((r) => fx.store.events(r.caseId)));
    const again = (await (await post()).json()) as { results: Array<{ status: number; caseId: string; caseStatus: string }> };
    expect(again.results.map((r) => [r.status, r.caseId, r.caseStatus])).toEqual(first.results.map((r) => [200, r.caseId, 'complete']));
    await new Promise((r) => setTimeout(r, 300));
    // No job ran again: no case gained a score or late-score event.
    expect(await Promise.all(first.results.map((r) => fx.store.events(r.caseId)))).toEqual(eventsBefore);
  }, 60_000);
});
