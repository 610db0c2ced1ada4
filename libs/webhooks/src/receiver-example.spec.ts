/**
 * The receiver in the README is what hospital engineers paste: it must verify exactly what the dispatcher
 * signs. The README embeds examples/receiver.js verbatim (checked here), and this file runs that code,
 * both as a function and as the standalone program the README says to run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signPayload } from './signature';

const EXAMPLE = join(__dirname, '..', 'examples', 'receiver.js');
const README = join(__dirname, '..', 'README.md');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { verifyLfSignature } = require(EXAMPLE) as { verifyLfSignature: (s: string | string[], h: unknown, b: Buffer | string, tol?: number) => boolean };

const SECRET = 'whsec_readme-test';
const body = JSON.stringify({ id: 'evt_c1_finalized', type: 'case.finalized', createdAt: '2026-11-26T08:00:00.000Z', data: { caseId: 'c1', status: 'complete' } });

it('the README shows examples/receiver.js verbatim', () => {
  const readme = readFileSync(README, 'utf8');
  const block = /<!-- receiver\.js:start -->\n```js\n([\s\S]*?)```\n<!-- receiver\.js:end -->/.exec(readme);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(readFileSync(EXAMPLE, 'utf8'));
});

describe('verifyLfSignature from the README', () => {
  const now = Math.floor(Date.now() / 1000);

  it('accepts what signPayload signs, as a Buffer or a string', () => {
    const header = signPayload(SECRET, body, now);
    expect(verifyLfSignature(SECRET, header, Buffer.from(body))).toBe(true);
    expect(verifyLfSignature(SECRET, header, body)).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a stale timestamp and garbage', () => {
    const header = signPayload(SECRET, body, now);
    expect(verifyLfSignature(SECRET, header, body.replace('complete', 'degraded'))).toBe(false);
    expect(verifyLfSignature('whsec_other', header, body)).toBe(false);
    expect(verifyLfSignature(SECRET, signPayload(SECRET, body, now - 301), body)).toBe(false);
    expect(verifyLfSignature(SECRET, signPayload(SECRET, body, now + 301), body)).toBe(false);
    expect(verifyLfSignature(SECRET, undefined, body)).toBe(false);
    expect(verifyLfSignature(SECRET, 'v1=abc', body)).toBe(false);
    expect(verifyLfSignature(SECRET, `t=${now},t=${now},${signPayload(SECRET, body, now).split(',')[1]}`, body)).toBe(false);
    expect(verifyLfSignature(SECRET, `t=${now},v1=zz`, body)).toBe(false);
  });

  it('handles rotation on both sides', () => {
    expect(verifyLfSignature(SECRET, signPayload(['whsec_new', SECRET], body, now), body)).toBe(true);
    expect(verifyLfSignature(['whsec_new', SECRET], signPayload(SECRET, body, now), body)).toBe(true);
  });
});

describe('examples/receiver.js run as a program', () => {
  let child: ChildProcess;
  let url: string;
  const lines: string[] = [];

  beforeAll(async () => {
    child = spawn(process.execPath, [EXAMPLE], { env: { PATH: process.env['PATH'] ?? '', PORT: '0', LF_WEBHOOK_SECRETS: `whsec_next,${SECRET}` }, stdio: ['ignore', 'pipe', 'inherit'] });
    const rl = createInterface({ input: child.stdout! });
    url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
      rl.on('line', (line) => {
        lines.push(line);
        const m = /listening on port (\d+)/.exec(line);
        if (m) resolve(`http://127.0.0.1:${m[1]}/hook`);
      });
    });
  }, 20_000);
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  const post = (headers: Record<string, string>, payload = body) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload }).then((r) => r.status);
  const waitForLines = async (n: number) => {
    for (let i = 0; i < 1_000 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return lines.slice(1);
  };

  it('acknowledges a signed delivery with 204, processes each event id once, and refuses anything unsigned', async () => {
    const header = signPayload(SECRET, body, Math.floor(Date.now() / 1000));
    expect(await post({ 'lf-signature': header, 'lf-event-id': 'evt_c1_finalized' })).toBe(204);
    expect(await post({ 'lf-signature': header, 'lf-event-id': 'evt_c1_finalized' })).toBe(204);
    expect(await post({ 'lf-signature': header, 'lf-event-id': 'evt_c1_finalized' }, body.replace('c1', 'c2'))).toBe(401);
    expect(await post({ 'lf-event-id': 'evt_c1_finalized' })).toBe(401);
    expect(await post({ 'lf-signature': signPayload('whsec_next', body, Math.floor(Date.now() / 1000)), 'lf-event-id': 'evt_c1_finalized' })).toBe(204);
    const processed = (await waitForLines(4)).map((l) => JSON.parse(l));
    expect(processed).toEqual([
      { eventId: 'evt_c1_finalized', duplicate: false, type: 'case.finalized', caseId: 'c1', status: 'complete' },
      { eventId: 'evt_c1_finalized', duplicate: true, type: 'case.finalized', caseId: 'c1', status: 'complete' },
      { eventId: 'evt_c1_finalized', duplicate: true, type: 'case.finalized', caseId: 'c1', status: 'complete' },
    ]);
  }, 20_000);
});
