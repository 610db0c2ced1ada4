import { parseBatch } from './batch-request';

const item = (over: Record<string, unknown> = {}) => ({ patientRef: 'p', inputs: { tabular: { ageYears: 70 } }, ...over });

describe('parseBatch', () => {
  it('splits each item into its body and its own idempotency key', () => {
    const parsed = parseBatch({ cases: [item(), item({ idempotencyKey: 'k-1' })] });
    expect(parsed).toEqual({
      ok: true,
      items: [
        { index: 0, ok: true, body: item() },
        { index: 1, ok: true, body: item(), idempotencyKey: 'k-1' },
      ],
    });
  });

  it('derives a key per item from the request header for items without their own', () => {
    const parsed = parseBatch({ cases: [item(), item({ idempotencyKey: 'own' })] }, 'batch-7');
    expect(parsed.ok && parsed.items.map((i) => (i.ok ? i.idempotencyKey : undefined))).toEqual(['batch-7:0', 'own']);
  });

  it('reports a bad item on the item, not the batch', () => {
    const parsed = parseBatch({ cases: [item(), 'not a case', item({ idempotencyKey: '' }), null] });
    if (!parsed.ok) throw new Error('expected the envelope to be fine');
    expect(parsed.items.map((i) => (i.ok ? 'ok' : i.errors[0].path))).toEqual(['ok', '(body)', 'idempotencyKey', '(body)']);
  });

  it.each([
    ['a non-object', [1], '(body)'],
    ['no cases', {}, 'cases'],
    ['cases not an array', { cases: {} }, 'cases'],
    ['no items', { cases: [] }, 'cases'],
    ['101 items', { cases: Array.from({ length: 101 }, () => item()) }, 'cases'],
  ])('refuses %s as a whole, naming the field', (_label, body, path) => {
    expect(parseBatch(body)).toMatchObject({ ok: false, errors: [{ path }] });
  });
});
