import { formatMs, parseWait } from './wait-param';

describe('parseWait', () => {
  it.each([
    [undefined, 0],
    ['0', 0],
    ['10', 10_000],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['500ms', 500],
    [' 2s ', 2000],
    ['30s', 30_000],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseWait(value, 30_000)).toEqual({ ok: true, ms });
  });

  it.each([['31s'], ['30001ms'], ['-1'], ['10m'], ['1e3'], ['ten'], [''], ['10 s'], ['Infinity'], [['1s', '2s']], ['1.2345s']])('refuses %j, naming the limit', (value) => {
    expect(parseWait(value, 30_000)).toMatchObject({ ok: false, message: expect.stringContaining('at most 30s') });
  });

  it('formats limits readably', () => {
    expect([formatMs(30_000), formatMs(1500)]).toEqual(['30s', '1500ms']);
  });
});
