import type { WebhookPolicy } from '@lf/contracts';
import type { RegisterWebhookOutcome } from '@lf/redis';
import { registerWebhook } from './register-webhook';

const policy: WebhookPolicy = { allowedHosts: ['hooks.example.org'], allowPrivateNetworks: false, allowHttp: false };
const publicDns = async () => [{ address: '93.184.216.34', family: 4 as const }];

function fakeStore(outcome: RegisterWebhookOutcome) {
  return { register: jest.fn(async () => outcome) };
}
const registered: RegisterWebhookOutcome = {
  outcome: 'registered',
  webhook: { id: 'wh_0123456789abcdef0123', tenant: 'north', url: 'https://hooks.example.org/x', events: ['case.finalized'], createdAt: '2026-01-01T00:00:00.000Z', secret: 'whsec_x' },
};

describe('registerWebhook', () => {
  it('stores a URL that passes the policy, normalised, with the policy it was checked against', async () => {
    const store = fakeStore(registered);
    const result = await registerWebhook({ store, resolve: publicDns }, 'north', { url: 'https://HOOKS.example.org:443/x' }, policy);
    expect(result).toEqual({ outcome: 'registered', webhook: registered.outcome === 'registered' ? registered.webhook : undefined });
    expect(store.register).toHaveBeenCalledWith('north', { url: 'https://hooks.example.org/x', policy });
  });

  it('passes the subscribed events on', async () => {
    const store = fakeStore(registered);
    await registerWebhook({ store, resolve: publicDns }, 'north', { url: 'https://hooks.example.org/x', events: ['case.finalized'] }, policy);
    expect(store.register).toHaveBeenCalledWith('north', { url: 'https://hooks.example.org/x', events: ['case.finalized'], policy });
  });

  it('stores nothing for a URL the policy rejects, and says why', async () => {
    const store = fakeStore(registered);
    expect(await registerWebhook({ store, resolve: publicDns }, 'north', { url: 'https://evil.example.com/x' }, policy)).toEqual({
      outcome: 'rejected-url',
      problem: 'host-not-allowed',
      reason: "host 'evil.example.com' is not on this tenant's webhook allow-list",
    });
    const privateDns = async () => [{ address: '10.0.0.8', family: 4 as const }];
    expect(await registerWebhook({ store, resolve: privateDns }, 'north', { url: 'https://hooks.example.org/x' }, policy)).toMatchObject({ outcome: 'rejected-url', problem: 'private-address' });
    expect(store.register).not.toHaveBeenCalled();
  });

  it('passes the store verdicts through', async () => {
    expect(await registerWebhook({ store: fakeStore({ outcome: 'limit-reached', max: 20 }), resolve: publicDns }, 'north', { url: 'https://hooks.example.org/x' }, policy)).toEqual({ outcome: 'limit-reached', max: 20 });
    expect(
      await registerWebhook({ store: fakeStore({ outcome: 'duplicate-url', existingId: 'wh_1' }), resolve: publicDns }, 'north', { url: 'https://hooks.example.org/x' }, policy),
    ).toEqual({ outcome: 'duplicate-url', existingId: 'wh_1' });
  });
});
