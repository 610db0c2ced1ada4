import { webhookEventId, webhookRegistrationSchema } from './webhook';

describe('webhookRegistrationSchema', () => {
  it('accepts a URL with or without events', () => {
    expect(webhookRegistrationSchema.parse({ url: 'https://hooks.example.org/x' })).toEqual({ url: 'https://hooks.example.org/x' });
    expect(webhookRegistrationSchema.parse({ url: 'https://h/x', events: ['case.finalized'] })).toEqual({ url: 'https://h/x', events: ['case.finalized'] });
  });

  it.each([
    ['no url', {}, 'url'],
    ['an empty url', { url: '' }, 'url'],
    ['a number', { url: 7 }, 'url'],
    ['a url over 2048 characters', { url: `https://h/${'x'.repeat(2048)}` }, 'url'],
    ['an empty events list', { url: 'https://h/x', events: [] }, 'events'],
    ['an unknown event type', { url: 'https://h/x', events: ['case.deleted'] }, 'events.0'],
    ['an unknown field', { url: 'https://h/x', secret: 'mine' }, '(root)'],
  ])('rejects %s, naming %s', (_label, body, field) => {
    const result = webhookRegistrationSchema.safeParse(body);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => (i.path.length ? i.path.join('.') : '(root)'));
    expect(paths).toContain(field);
  });
});

describe('webhookEventId', () => {
  it('is deterministic per case (the same LF-Event-Id on every attempt and webhook)', () => {
    expect(webhookEventId('0193b2a4-8c1e-7d2f-9a3b-4c5d6e7f8a9b')).toBe('evt_0193b2a4-8c1e-7d2f-9a3b-4c5d6e7f8a9b_finalized');
    expect(webhookEventId('c1')).toBe(webhookEventId('c1', 'case.finalized'));
  });
});
