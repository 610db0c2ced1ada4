/**
 * Every key of one case must hash to one Redis Cluster slot, or the per-case Lua scripts and MULTI
 * fail with CROSSSLOT on a cluster. The slot function is re-implemented here (CRC16/XMODEM of the
 * hash tag, mod 16384) and cross-checked against CLUSTER KEYSLOT of a real cluster-mode redis-server.
 */
import { startRedisServer } from '@lf/testing';
import { Redis } from 'ioredis';
import { createKeyBuilder } from '../src/keys';

function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Redis Cluster's key -> slot: only the first non-empty {...} section is hashed, if there is one. */
function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key, 'utf8')) % 16384;
}

const keys = createKeyBuilder();
const CASE_IDS = ['0192f1d4-7b5e-7c3a-9d2b-3f6a1e8c9b10', '01JD3Z7Q8X4N5M6P7R8S9T0V1W', 'a', 'case_with-underscore'];
const MODALITIES = ['imaging', 'tabular', 'vitals', 'clinical-notes'];

function keysOfCase(caseId: string): string[] {
  return [
    keys.case(caseId),
    keys.scores(caseId),
    keys.late(caseId),
    keys.result(caseId),
    keys.events(caseId),
    ...MODALITIES.map((m) => keys.blob(caseId, m)),
  ];
}

describe('key builder slots', () => {
  it('implements the Redis Cluster slot function (published test vector)', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it.each(CASE_IDS)('puts every key of case %s in one slot', (caseId) => {
    const slots = new Set(keysOfCase(caseId).map(keySlot));
    expect(slots.size).toBe(1);
  });

  it('spreads different cases over different slots', () => {
    const slots = new Set(Array.from({ length: 200 }, (_, i) => keySlot(keys.case(`case-${i}`))));
    expect(slots.size).toBeGreaterThan(150);
  });

  it("puts every BullMQ key of a queue in one slot (the prefix is the hash tag)", () => {
    const prefix = keys.queuePrefix('imaging');
    const bullKeys = ['wait', 'active', 'delayed', 'meta', 'events', 'id', '0192f1d4-imaging'].map((s) => `${prefix}:imaging:${s}`);
    expect(new Set(bullKeys.map(keySlot)).size).toBe(1);
  });

  it.each(['north', 'south-clinic', 'a.b_c-1'])("puts every key of tenant %s in one slot, and rejects ids that would break the tag", (tenant) => {
    const tenantKeys = [keys.tenantWebhooks(tenant), keys.tenantRateLimit(tenant), keys.tenantAudit(tenant)];
    expect(new Set(tenantKeys.map(keySlot)).size).toBe(1);
    for (const bad of ['', 'a}b', '{a}', 'a:b', 'x'.repeat(65)]) expect(() => keys.tenantAudit(bad)).toThrow(/invalid tenant id/);
  });

  it('rejects case ids that would break the hash tag or BullMQ job ids', () => {
    for (const bad of ['', 'a:b', 'a}b', '{a}', 'a b', 'x'.repeat(65)]) {
      expect(() => keys.case(bad)).toThrow(/invalid case id/);
    }
  });

  it('agrees with CLUSTER KEYSLOT of a real cluster-mode server', async () => {
    const server = await startRedisServer({ args: ['--cluster-enabled', 'yes'] });
    const redis = new Redis(server.url, { lazyConnect: true });
    try {
      const all = [...CASE_IDS.flatMap(keysOfCase), keys.deadlines(), `${keys.queuePrefix('fusion')}:fusion:wait`];
      const fromServer = await Promise.all(all.map((k) => redis.call('CLUSTER', 'KEYSLOT', k)));
      expect(fromServer).toEqual(all.map(keySlot));
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
