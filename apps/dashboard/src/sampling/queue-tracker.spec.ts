import { newMembers } from './queue-tracker';

describe('newMembers (incremental ZRANGEBYSCORE cursor)', () => {
  it('returns members after the cursor, skipping those already seen at its score', () => {
    const first = newMembers(['a', '100', 'b', '200', 'c', '200'], { score: 0, ids: new Set() });
    expect(first.members).toEqual(['a', 'b', 'c']);
    expect(first.cursor).toEqual({ score: 200, ids: new Set(['b', 'c']) });
    // the next read is inclusive at 200: b and c come back and are skipped, d is new at the same ms
    const second = newMembers(['b', '200', 'c', '200', 'd', '200', 'e', '300'], first.cursor);
    expect(second.members).toEqual(['d', 'e']);
    expect(second.scored).toEqual([
      ['d', 200],
      ['e', 300],
    ]);
    expect(second.cursor).toEqual({ score: 300, ids: new Set(['e']) });
  });

  it('keeps the cursor when nothing is new, and accumulates ids at an unchanged top score', () => {
    const cursor = { score: 200, ids: new Set(['b']) };
    expect(newMembers(['b', '200'], cursor).cursor).toBe(cursor);
    expect(newMembers(['b', '200', 'x', '200'], cursor).cursor).toEqual({ score: 200, ids: new Set(['b', 'x']) });
  });
});
