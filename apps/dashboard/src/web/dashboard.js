// The dashboard page: history from /api/history, then live overviews and history points over SSE
// (/api/stream). Everything is rendered with textContent (no HTML from data). No PHI reaches this page:
// the API carries counts, times, statuses, modality names and case ids only.
'use strict';

(function () {
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
  const THRESHOLD_LABELS = {
    maxBacklog: ['LF_DASHBOARD_MAX_BACKLOG', 'jobs ready to run per queue (delayed retries included; delayed fusion jobs are not work); amber at half', (v) => `${v} jobs`],
    maxOldestWaitSeconds: ['LF_DASHBOARD_MAX_OLDEST_WAIT_SECONDS', 'age of the oldest job ready to run; amber at half', (v) => `${v} s`],
    minWorkers: ['LF_DASHBOARD_MIN_WORKERS', 'workers connected per enabled queue; fewer with jobs waiting is red', (v) => String(v)],
    maxFailedPerMinute: ['LF_DASHBOARD_MAX_FAILED_PER_MINUTE', 'jobs failed in the last minute (amber)', (v) => `${v} / min`],
    maxDegradedShare: ['LF_DASHBOARD_MAX_DEGRADED_SHARE', 'degraded or failed cases in the window; amber at half', (v) => pct(v)],
    maxDeadlineSlackMs: ['LF_DASHBOARD_MAX_DEADLINE_SLACK_MS', 'p99 of finalization − deadline for deadline-closed cases; pending cases this far past the deadline are red', (v) => `${v} ms`],
    maxMemoryRatio: ['LF_DASHBOARD_MAX_MEMORY_RATIO', 'Redis used_memory / maxmemory; amber at 85 % of it', (v) => pct(v)],
  };

  const state = { overview: null, points: [], charts: {}, queueNames: [], pointMs: 5000, historyMinutes: 60 };
  window.__dashboard = state; // for the browser test and for curious operators (no secrets in it)

  // ---------- formatting ----------
  function pct(r) {
    return r === null || r === undefined ? '–' : `${(r * 100).toFixed(r < 0.1 && r > 0 ? 1 : 0)} %`;
  }
  function ms(v) {
    if (v === null || v === undefined) return '–';
    if (Math.abs(v) >= 10000) return `${(v / 1000).toFixed(1)} s`;
    return `${Math.round(v)} ms`;
  }
  function secs(v) {
    if (v === null || v === undefined) return '–';
    return v >= 100 ? `${Math.round(v)} s` : `${v.toFixed(1)} s`;
  }
  function bytes(v) {
    if (!v) return v === 0 ? '0' : '–';
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
  }
  function dist(d, a, b) {
    return d ? `${ms(d[a])} / ${ms(d[b])}` : '–';
  }
  function time(t) {
    return new Date(t).toLocaleTimeString();
  }

  // ---------- DOM helpers ----------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('data-')) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  function stat(label, value, attrs) {
    return el('div', Object.assign({ class: 'stat' }, attrs || {}), el('dt', {}, label), el('dd', {}, value));
  }
  function reasons(health) {
    const list = el('ul', { class: 'reasons' });
    for (const r of health.reasons) list.append(el('li', { class: 'reason' }, r));
    for (const n of health.notes || []) list.append(el('li', { class: 'note' }, n));
    return list;
  }

  // ---------- panels ----------
  function renderQueues(o) {
    const root = document.getElementById('queues');
    root.replaceChildren(
      ...o.queues.map((q) =>
        el(
          'article',
          { class: `tile level-${q.health.level}`, 'data-queue': q.name, 'data-level': q.health.level },
          el('header', {}, el('h2', {}, q.name), el('span', { class: 'kind' }, q.enabled ? q.kind : `${q.kind} (disabled)`), el('span', { class: 'level' }, q.health.level)),
          el(
            'dl',
            { class: 'stats' },
            stat('waiting', q.counts.waiting, { 'data-field': 'waiting' }),
            stat('active', q.counts.active, { 'data-field': 'active' }),
            stat('delayed', q.counts.delayed, { 'data-field': 'delayed' }),
            stat('failed', q.counts.failed, { 'data-field': 'failed' }),
            stat('completed / min', q.completedPerMinute, { 'data-field': 'completedPerMinute' }),
            stat('failed / min', q.failedPerMinute, { 'data-field': 'failedPerMinute' }),
            stat('wait p50 / p95', dist(q.waitMs, 'p50', 'p95')),
            stat('processing p50 / p95', dist(q.processingMs, 'p50', 'p95')),
            stat('workers', q.workers === null ? '?' : q.workers, { 'data-field': 'workers' }),
            stat('oldest waiting', secs(q.oldestWaitingSeconds), { 'data-field': 'oldestWaiting' }),
            q.lateScoresPerMinute !== null ? stat('late scores / min', q.lateScoresPerMinute) : null,
          ),
          reasons(q.health),
          el(
            'footer',
            {},
            el('span', { class: 'muted' }, `percentiles: ${q.sample.jobs} jobs completed in the last ${q.sample.windowSeconds} s${q.sample.truncated ? ' (truncated: more completed than retention keeps)' : ''}`),
            el('a', { href: `/jobs?queue=${encodeURIComponent(q.name)}&state=${q.counts.failed > 0 ? 'failed' : 'waiting'}` }, 'jobs →'),
          ),
        ),
      ),
    );
  }

  function renderFusion(o) {
    const f = o.fusion;
    const modalityRows = Object.entries(f.modalities).map(([name, m]) =>
      el('tr', { 'data-modality': name }, el('td', {}, name), el('td', {}, m.expected), el('td', {}, pct(m.replyRate)), el('td', {}, pct(m.okRate)), el('td', {}, dist(m.latencyMs, 'p50', 'p95'))),
    );
    const recentRows = f.recent.map((r) =>
      el(
        'tr',
        { 'data-case-id': r.caseId, class: `status-${r.status}` },
        el('td', { class: 'mono' }, r.caseId),
        el('td', {}, time(r.finalizedAt)),
        el('td', {}, r.status),
        el('td', {}, r.completedBy),
        el('td', {}, ms(r.latencyMs)),
        el('td', {}, ms(r.slackMs)),
        el('td', {}, r.missing.join(', ') || '–'),
      ),
    );
    document.getElementById('fusion').replaceChildren(
      el('header', { class: `panel-head level-${f.health.level}`, 'data-level': f.health.level }, el('h2', {}, 'Fusion'), el('span', { class: 'level' }, f.health.level)),
      el(
        'dl',
        { class: 'stats' },
        stat('finalized / min', f.finalizedPerMinute, { 'data-field': 'finalizedPerMinute' }),
        stat(`finalized (${f.windowSeconds / 60} min)`, f.finalized, { 'data-field': 'finalized' }),
        stat('all replied / deadline', `${f.byCause['all-replied']} / ${f.byCause.deadline} (${pct(f.deadlineShare)} deadline)`, { 'data-field': 'byCause' }),
        stat('degraded or failed', `${f.byStatus.degraded + f.byStatus.failed} (${pct(f.degradedShare)})`, { 'data-field': 'degraded' }),
        stat('late scores / min', `${f.lateScoresPerMinute} (${f.lateScoresInWindow} in window)`),
        stat('pending cases', f.pendingCases, { 'data-field': 'pendingCases' }),
        stat('overdue cases', f.overdueCases, { 'data-field': 'overdueCases' }),
        stat('submit → final p50 / p95', dist(f.latencyMs, 'p50', 'p95')),
        stat('deadline slack p50 / p99', dist(f.deadlineSlackMs, 'p50', 'p99')),
        stat('slack p99, deadline-closed', f.deadlineCauseSlackMs ? ms(f.deadlineCauseSlackMs.p99) : '–'),
      ),
      reasons(f.health),
      el(
        'table',
        { class: 'small' },
        el('caption', {}, 'Per modality, over the cases finalized in the window'),
        el('thead', {}, el('tr', {}, el('th', {}, 'modality'), el('th', {}, 'expected'), el('th', {}, 'replied'), el('th', {}, 'ok'), el('th', {}, 'reply latency p50 / p95'))),
        el('tbody', {}, modalityRows),
      ),
      el(
        'table',
        { class: 'small', id: 'recent' },
        el('caption', {}, 'Latest finalizations'),
        el('thead', {}, el('tr', {}, el('th', {}, 'case'), el('th', {}, 'at'), el('th', {}, 'status'), el('th', {}, 'closed by'), el('th', {}, 'latency'), el('th', {}, 'slack'), el('th', {}, 'missing'))),
        el('tbody', {}, recentRows),
      ),
      el('p', { class: 'muted' }, `tracking ${f.tracking.watched} pending cases · ${f.tracking.discoveryGaps} discovery gaps · ${f.tracking.dropped} dropped`),
    );
  }

  function renderRedis(o) {
    const r = o.redis;
    const p = r.persistence;
    const memory = r.maxMemoryBytes > 0 ? `${bytes(r.usedMemoryBytes)} of ${bytes(r.maxMemoryBytes)} (${pct(r.memoryRatio)})` : `${bytes(r.usedMemoryBytes)} (no maxmemory)`;
    const bar = el('div', { class: 'bar' }, el('div', { class: 'fill' }));
    if (r.memoryRatio !== null) bar.firstChild.style.width = `${Math.min(100, r.memoryRatio * 100).toFixed(1)}%`;
    document.getElementById('redis').replaceChildren(
      el('header', { class: `panel-head level-${r.health.level}`, 'data-level': r.health.level }, el('h2', {}, 'Redis'), el('span', { class: 'level' }, r.health.level)),
      el(
        'dl',
        { class: 'stats' },
        stat('version', `${r.version} (${r.mode}${r.nodes > 1 ? `, ${r.nodes} masters` : ''})`),
        stat('memory', memory, { 'data-field': 'memory' }),
        stat('eviction policy', r.evictionPolicy, { 'data-field': 'evictionPolicy' }),
        stat('AOF', p.aofEnabled ? `on${p.aofLastWriteOk === false ? ', last write FAILED' : ''}` : 'off'),
        stat('RDB snapshots', p.rdbEnabled === null ? 'unknown' : p.rdbEnabled ? `on${p.rdbLastSaveOk === false ? ', last save FAILED' : ''}` : 'off'),
        stat('clients (blocked)', `${r.connectedClients} (${r.blockedClients})`),
        stat('ops / s', r.opsPerSecond),
        stat('uptime', secs(r.uptimeSeconds)),
      ),
      bar,
      reasons(r.health),
    );
  }

  function renderThresholds(o) {
    const rows = Object.entries(o.thresholds).map(([k, v]) => {
      const [name, meaning, fmt] = THRESHOLD_LABELS[k] || [k, '', String];
      return el('tr', { 'data-threshold': k }, el('td', { class: 'mono' }, name), el('td', {}, fmt(v)), el('td', {}, meaning));
    });
    document.getElementById('thresholds').replaceChildren(
      el('h2', {}, 'Thresholds'),
      el('table', { class: 'small' }, el('thead', {}, el('tr', {}, el('th', {}, 'setting'), el('th', {}, 'value'), el('th', {}, 'red when above (amber earlier)'))), el('tbody', {}, rows)),
    );
  }

  function render(o) {
    state.overview = o;
    const overall = document.getElementById('overall');
    overall.textContent = o.overall === 'ok' ? 'all healthy' : o.overall === 'warn' ? 'attention' : 'action needed';
    overall.dataset.level = o.overall;
    document.getElementById('status').textContent = `sampled ${time(o.at)} · every ${o.sampleMs / 1000} s`;
    const stale = document.getElementById('stale');
    stale.hidden = !o.stale;
    stale.textContent = o.stale ? `Showing the last good sample: ${o.error}` : '';
    renderQueues(o);
    renderFusion(o);
    renderRedis(o);
    renderThresholds(o);
    if (JSON.stringify(o.queues.map((q) => q.name)) !== JSON.stringify(state.queueNames)) {
      state.queueNames = o.queues.map((q) => q.name);
      buildCharts();
    }
  }

  // ---------- charts (uPlot) ----------
  const CHARTS = {
    backlog: { el: 'chart-backlog', series: () => state.queueNames.map((q) => [q, (p) => (p.queues[q] ? p.queues[q].waiting + (q === 'fusion' ? 0 : p.queues[q].delayed) : null)]) },
    throughput: { el: 'chart-throughput', series: () => state.queueNames.map((q) => [q, (p) => (p.queues[q] ? p.queues[q].completedPerMinute : null)]) },
    fusion: {
      el: 'chart-fusion',
      series: () => [
        ['finalized / min', (p) => p.fusion.finalizedPerMinute],
        ['degraded %', (p) => (p.fusion.degradedShare === null ? null : p.fusion.degradedShare * 100), 'pct'],
        ['deadline-closed %', (p) => (p.fusion.deadlineShare === null ? null : p.fusion.deadlineShare * 100), 'pct'],
      ],
    },
    latency: {
      el: 'chart-latency',
      series: () => [['submit → final p95', (p) => p.fusion.latencyP95Ms], ...state.queueNames.map((q) => [`${q} wait p95`, (p) => (p.queues[q] ? p.queues[q].waitP95Ms : null)])],
    },
    redis: {
      el: 'chart-redis',
      series: () => [
        ['used memory MB', (p) => p.redis.usedMemoryBytes / 1048576],
        ['ops / s', (p) => p.redis.opsPerSecond, 'ops'],
      ],
    },
  };

  function chartData(def) {
    const series = def.series();
    const data = [state.points.map((p) => p.t / 1000)];
    for (const [, pick] of series) data.push(state.points.map((p) => {
      const v = pick(p);
      return v === undefined ? null : v;
    }));
    return data;
  }

  function buildCharts() {
    for (const [name, def] of Object.entries(CHARTS)) {
      const host = document.getElementById(def.el);
      if (state.charts[name]) state.charts[name].destroy();
      host.replaceChildren();
      const series = def.series();
      const scales = { x: { time: true } };
      const axes = [{}, { scale: 'y' }];
      if (series.some((s) => s[2])) {
        const second = series.find((s) => s[2])[2];
        scales[second] = { auto: true };
        axes.push({ scale: second, side: 1, grid: { show: false } });
      }
      const opts = {
        width: Math.max(300, host.clientWidth || 500),
        height: 200,
        scales,
        axes,
        legend: { live: true },
        series: [{}, ...series.map(([label, , scale], i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false, scale: scale || 'y' }))],
      };
      state.charts[name] = new uPlot(opts, chartData(def), host);
    }
  }

  function refreshCharts() {
    for (const [name, def] of Object.entries(CHARTS)) if (state.charts[name]) state.charts[name].setData(chartData(def));
  }

  window.addEventListener('resize', () => {
    for (const [name, def] of Object.entries(CHARTS)) {
      const host = document.getElementById(def.el);
      if (state.charts[name]) state.charts[name].setSize({ width: Math.max(300, host.clientWidth), height: 200 });
    }
  });

  // ---------- data flow ----------
  async function getJson(url) {
    const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (response.status === 401) {
      location.href = '/login';
      throw new Error('signed out');
    }
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  function addPoint(point) {
    state.points.push(point);
    const horizon = point.t - state.historyMinutes * 60000;
    while (state.points.length > 0 && state.points[0].t < horizon) state.points.shift();
    refreshCharts();
  }

  function connect() {
    const status = document.getElementById('status');
    const source = new EventSource('/api/stream');
    source.addEventListener('overview', (e) => render(JSON.parse(e.data)));
    source.addEventListener('point', (e) => addPoint(JSON.parse(e.data)));
    source.addEventListener('open', () => status.classList.remove('offline'));
    source.addEventListener('error', () => {
      status.classList.add('offline');
      status.textContent = 'live stream interrupted: reconnecting…';
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (signed out, or too many streams): check, then retry.
        getJson('/api/overview').then(() => setTimeout(connect, 3000), () => undefined);
      }
    });
  }

  async function start() {
    const [history, overview] = await Promise.all([getJson('/api/history'), getJson('/api/overview')]);
    state.points = history.points;
    state.pointMs = history.pointMs;
    state.historyMinutes = history.minutes;
    render(overview);
    refreshCharts();
    connect();
  }

  start().catch((err) => {
    document.getElementById('status').textContent = `could not load: ${err.message}`;
  });
})();
