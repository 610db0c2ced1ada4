/**
 * The dashboard in a real browser (Debian's Chromium, headless, driven by playwright-core) over the whole
 * system, every app its own process: sign in, see the submitted cases in the counts, the latest
 * finalizations and the charts; freeze the tabular worker (SIGSTOP: still connected, taking nothing) and
 * see its queue turn red while cases degrade; save reports/dashboard.png (the README's screenshot).
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it). Never downloads a browser.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateCohort } from '@lf/cohort';
import { launchSystem, SYSTEM_APPS, startRedisServer, WORKSPACE_ROOT, type RedisServerHandle, type RunningSystem } from '@lf/testing';

const CHROMIUM = process.env['LF_CHROMIUM'] ?? '/usr/bin/chromium';
const KEY = 'browser-test-dashboard-key-01';
const SCREENSHOT = join(WORKSPACE_ROOT, 'reports/dashboard.png');

/** What the page functions below touch in the browser (the workspace compiles without the DOM library). */
interface PageGlobals {
  document: { cookie: string; querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null }> };
  __dashboard: { charts: Record<string, { data: Array<Array<number | null>> } | undefined> };
}

describe('dashboard in a browser, over the running system', () => {
  let redis: RedisServerHandle;
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let dashboardUrl: string;
  const pageErrors: string[] = [];

  const submit = async (body: unknown): Promise<string> => {
    const response = await fetch(`${system.gatewayUrl}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    return String(((await response.json()) as { caseId: string }).caseId);
  };
  const cases = [...generateCohort({ seed: 4242, n: 11, naturalMissingness: false, imagingFormat: 'png' })];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium), or set LF_CHROMIUM`);
    redis = await startRedisServer();
    system = await launchSystem({
      redisUrl: redis.url,
      apiKeys: `north:${KEY}`,
      only: SYSTEM_APPS,
      env: {
        // Fast ticks and a short oldest-wait threshold, so a frozen worker shows within seconds.
        dashboard: { LF_DASHBOARD_SAMPLE_MS: '500', LF_DASHBOARD_HISTORY_POINT_SECONDS: '1', LF_DASHBOARD_MAX_OLDEST_WAIT_SECONDS: '2' },
      },
    });
    dashboardUrl = system.specs.dashboard.readyUrl.replace('/health/ready', '');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await redis?.stop();
  });

  it('shows the submitted cases, charts them, and turns a frozen worker\'s queue red', async () => {
    // Sign in through the form: the key goes into an HttpOnly cookie, never into the page.
    await page.goto(dashboardUrl);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#key', KEY);
    await Promise.all([page.waitForURL(`${dashboardUrl}/`), page.click('button[type=submit]')]);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).toBe(''); // HttpOnly: invisible to scripts

    const ids: string[] = [];
    for (const c of cases.slice(0, 8)) ids.push(await submit({ ...c.request, deadlineMs: 5000 }));

    // Counts: every modality queue completed them, the fusion panel finalized them and lists their ids.
    await page.waitForFunction(
      (expected: string[]) => {
        const rows = (globalThis as unknown as PageGlobals).document.querySelectorAll('#recent tr[data-case-id]');
        const shown = new Set([...rows].map((tr) => tr.getAttribute('data-case-id')));
        return expected.every((id) => shown.has(id));
      },
      ids,
      { timeout: 20_000 },
    );
    const stat = (selector: string) => page.$eval(selector, (el) => Number(el.querySelector('dd')!.textContent));
    expect(await stat('#fusion [data-field=finalized]')).toBeGreaterThanOrEqual(8);
    for (const queue of ['imaging', 'tabular', 'vitals']) {
      expect(await stat(`[data-queue=${queue}] [data-field=completedPerMinute]`)).toBeGreaterThanOrEqual(8);
      expect(await stat(`[data-queue=${queue}] [data-field=workers]`)).toBe(1);
      expect(await page.getAttribute(`[data-queue=${queue}]`, 'data-level')).toBe('ok');
    }
    expect(await page.textContent('#thresholds')).toContain('LF_DASHBOARD_MAX_OLDEST_WAIT_SECONDS');

    // Charts: uPlot canvases whose data (history points pushed over SSE) include the completions.
    await page.waitForFunction(
      () => {
        const d = (globalThis as unknown as PageGlobals).__dashboard;
        const throughput = d.charts['throughput']?.data;
        const fusion = d.charts['fusion']?.data;
        return !!throughput && throughput[0].length >= 2 && throughput.slice(1).some((s) => s.some((v) => (v ?? 0) >= 8)) && !!fusion && fusion[1].some((v) => (v ?? 0) >= 8);
      },
      undefined,
      { timeout: 15_000 },
    );
    expect(await page.locator('.charts canvas').count()).toBeGreaterThanOrEqual(5);

    // Freeze the tabular worker: its connection stays (workers still 1), but nothing is taken.
    system.apps['tabular-worker']!.signal('SIGSTOP');
    try {
      for (const c of cases.slice(8)) await submit({ ...c.request, deadlineMs: 1500 });
      await page.waitForSelector('[data-queue=tabular][data-level=critical]', { timeout: 15_000 });
      const reasons = await page.textContent('[data-queue=tabular] .reasons');
      expect(reasons).toMatch(/oldest waiting job .* > 2 s/);
      expect(await page.getAttribute('[data-queue=imaging]', 'data-level')).toBe('ok');
      // ...and the cases waiting for it are closed by their deadline, degraded.
      await page.waitForSelector('#recent tr.status-degraded', { timeout: 15_000 });
      expect(await page.getAttribute('#overall', 'data-level')).toBe('critical');
      mkdirSync(join(WORKSPACE_ROOT, 'reports'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // Drill down from the red tile to its waiting jobs (read-only list, same session, another tab).
      const href = await page.getAttribute('[data-queue=tabular] footer a', 'href');
      expect(href).toBe('/jobs?queue=tabular&state=waiting');
      const jobs = await page.context().newPage();
      jobs.on('pageerror', (err) => pageErrors.push(err.message));
      await jobs.goto(`${dashboardUrl}${href}`);
      await jobs.waitForSelector('#jobs tbody tr[data-job-id]', { timeout: 10_000 });
      const jobIds = await jobs.$$eval('#jobs tbody tr[data-job-id]', (rows) => rows.map((r) => r.getAttribute('data-job-id')));
      expect(jobIds.length).toBe(3);
      for (const id of jobIds) expect(id).toMatch(/-tabular$/);
      expect(await jobs.textContent('#summary')).toBe('1–3 of 3 waiting jobs in tabular');
      await jobs.close();
    } finally {
      system.apps['tabular-worker']!.signal('SIGCONT');
    }
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pageErrors).toEqual([]);

    // SIGTERM with the page's live stream still open: the stream is ended and the process exits 0, promptly.
    const started = Date.now();
    expect(await system.apps.dashboard!.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 90_000);
});
