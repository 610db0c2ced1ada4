import { caseState, finalizedCaseFrom, finalizedCaseFromEntry } from './case-record';
import { compareIds } from './fusion-tracker';

// status, expected, submittedAt, deadlineAt, fencedAt, completedBy, finalizedAt
const finalHash = ['degraded', 'imaging,tabular,vitals', '1000', '3000', '3005', 'deadline', '3005'];
const events: Array<[string, string[]]> = [
  ['1000-0', ['type', 'submitted', 'at', '1000']],
  ['1200-0', ['type', 'score', 'at', '1200', 'modality', 'tabular', 'detail', 'ok']],
  ['1500-0', ['type', 'score', 'at', '1500', 'modality', 'vitals', 'detail', 'failed']],
  ['3005-0', ['type', 'finalized', 'at', '3005', 'detail', 'deadline']],
  ['3010-0', ['type', 'result-stored', 'at', '3010', 'detail', 'degraded']],
  ['3500-0', ['type', 'late-score', 'at', '3500', 'modality', 'imaging', 'detail', 'ok']],
  ['3600-0', ['type', 'webhook-delivered', 'at', '3600', 'webhookId', 'w1', 'detail', 'HTTP 204, attempt 1']],
];

describe('finalized cases from the case hash and its events', () => {
  it('takes times, cause and status from the hash and the replies before the fence from the events', () => {
    expect(finalizedCaseFrom('c1', finalHash, events)).toEqual({
      caseId: 'c1',
      submittedAt: 1000,
      deadlineAt: 3000,
      finalizedAt: 3005,
      completedBy: 'deadline',
      status: 'degraded',
      expected: ['imaging', 'tabular', 'vitals'],
      replies: { tabular: { status: 'ok', at: 1200 }, vitals: { status: 'failed', at: 1500 } },
    });
  });

  it('is null for a case that is not final or whose hash is malformed', () => {
    expect(finalizedCaseFrom('c1', ['pending', 'imaging', '1000', '3000', null, null, null], [])).toBeNull();
    expect(finalizedCaseFrom('c1', ['complete', 'imaging', 'x', '3000', '3005', 'all-replied', '3005'], [])).toBeNull();
    expect(finalizedCaseFrom('c1', ['complete', 'imaging', '1000', '3000', '3005', 'bogus', '3005'], [])).toBeNull();
  });

  it('tells where a case is', () => {
    expect(caseState([null, null, null, null, null, null, null])).toEqual({ state: 'gone' });
    expect(caseState(['pending', 'imaging', '1000', '3000', null, null, null])).toEqual({ state: 'pending', deadlineAt: 3000 });
    expect(caseState(['finalizing', 'imaging', '1000', '3000', '3001', 'deadline', null])).toEqual({ state: 'finalizing' });
    expect(caseState(finalHash)).toEqual({ state: 'final' });
  });


  it('compares stream ids numerically', () => {
    expect(compareIds('1000-1', '999-5')).toBeGreaterThan(0);
    expect(compareIds('1000-1', '1000-10')).toBeLessThan(0);
    expect(compareIds('1000-2', '1000-2')).toBe(0);
  });
});

describe('finalized cases from the finalized stream entry alone', () => {
  // The same case as finalHash + events above, as CaseStore.storeResult writes it (late imaging score left out).
  const entry = [
    'caseId', 'c1', 'status', 'degraded', 'completedBy', 'deadline', 'submittedAt', '1000', 'deadlineAt', '3000',
    'finalizedAt', '3005', 'expected', 'imaging,tabular,vitals', 'replies', 'tabular:ok:1200,vitals:failed:1500',
  ];
  const withField = (field: string, value: string | null): string[] => {
    const out: string[] = [];
    for (let i = 0; i < entry.length; i += 2) if (entry[i] !== field) out.push(entry[i], entry[i + 1]);
    return value === null ? out : [...out, field, value];
  };

  it('gives what the case hash and its events give', () => {
    expect(finalizedCaseFromEntry(entry)).toEqual(finalizedCaseFrom('c1', finalHash, events));
  });

  it('takes replies in any number, none included, first per modality', () => {
    expect(finalizedCaseFromEntry(withField('replies', ''))?.replies).toEqual({});
    expect(finalizedCaseFromEntry(withField('replies', 'vitals:invalid:1500'))?.replies).toEqual({ vitals: { status: 'invalid', at: 1500 } });
    expect(finalizedCaseFromEntry(withField('replies', 'vitals:ok:1500,vitals:failed:1600'))?.replies).toEqual({ vitals: { status: 'ok', at: 1500 } });
    expect(finalizedCaseFromEntry(withField('expected', ''))?.expected).toEqual([]);
  });

  it('is null for an entry with only caseId (an older aggregator): the caller reads the case instead', () => {
    expect(finalizedCaseFromEntry(['caseId', 'c1'])).toBeNull();
    expect(finalizedCaseFromEntry([])).toBeNull();
  });

  it.each([
    ['no caseId', withField('caseId', null)],
    ['an empty caseId', withField('caseId', '')],
    ['a status that is not final', withField('status', 'finalizing')],
    ['no status', withField('status', null)],
    ['an unknown cause', withField('completedBy', 'bogus')],
    ['a time that is not an integer', withField('submittedAt', '1000.5')],
    ['a missing time', withField('finalizedAt', null)],
    ['an empty time', withField('deadlineAt', '')],
    ['no expected list', withField('expected', null)],
    ['no replies field', withField('replies', null)],
    ['a reply without its time', withField('replies', 'tabular:ok')],
    ['a reply with a bad time', withField('replies', 'tabular:ok:12x')],
    ['a reply with an extra part', withField('replies', 'tabular:ok:1200:9')],
    ['a reply without a modality', withField('replies', ':ok:1200')],
    ['a reply without a status', withField('replies', 'tabular::1200')],
    ['an empty reply in the list', withField('replies', 'tabular:ok:1200,')],
  ])('is null (read the case instead) for %s', (_what, flat) => {
    expect(finalizedCaseFromEntry(flat)).toBeNull();
  });
});
