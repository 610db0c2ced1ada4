// The read-only job list: /api/jobs?queue=&state=&start=&count= (no job data ever reaches it).
'use strict';

(function () {
  const PAGE = 50;
  const params = new URLSearchParams(location.search);
  const queueSelect = document.getElementById('queue');
  const stateSelect = document.getElementById('state');
  let start = Number(params.get('start')) || 0;

  function cell(text, cls) {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text === null || text === undefined || text === '' ? '–' : String(text);
    return td;
  }
  const when = (t) => (t ? new Date(t).toLocaleString() : null);

  async function getJson(url) {
    const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (response.status === 401) {
      location.href = '/login';
      throw new Error('signed out');
    }
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body;
  }

  async function load() {
    const queue = queueSelect.value;
    const state = stateSelect.value;
    history.replaceState(null, '', `/jobs?queue=${encodeURIComponent(queue)}&state=${encodeURIComponent(state)}&start=${start}`);
    const summary = document.getElementById('summary');
    try {
      const page = await getJson(`/api/jobs?queue=${encodeURIComponent(queue)}&state=${encodeURIComponent(state)}&start=${start}&count=${PAGE}`);
      const rows = page.jobs.map((j) => {
        const tr = document.createElement('tr');
        tr.dataset.jobId = j.id;
        tr.append(
          cell(j.id, 'mono'),
          cell(j.name),
          cell(j.state),
          cell(`${j.attemptsMade} made / ${j.attemptsStarted} started`),
          cell(when(j.createdAt)),
          cell(j.delayMs ? `${j.delayMs} ms` : null),
          cell(when(j.processedAt)),
          cell(when(j.finishedAt)),
          cell(j.failedReason, 'reason'),
        );
        return tr;
      });
      document.querySelector('#jobs tbody').replaceChildren(...rows);
      summary.textContent = page.total === 0 ? `no ${state} jobs in ${queue}` : `${start + 1}–${start + page.jobs.length} of ${page.total} ${state} jobs in ${queue}`;
      document.getElementById('prev').disabled = start === 0;
      document.getElementById('next').disabled = start + PAGE >= page.total;
    } catch (err) {
      summary.textContent = err.message;
    }
  }

  async function init() {
    const overview = await getJson('/api/overview');
    for (const q of overview.queues) {
      const option = document.createElement('option');
      option.textContent = q.name;
      queueSelect.append(option);
    }
    if (params.get('queue')) queueSelect.value = params.get('queue');
    if (params.get('state')) stateSelect.value = params.get('state');
    document.getElementById('filter').addEventListener('submit', (e) => {
      e.preventDefault();
      start = 0;
      void load();
    });
    document.getElementById('prev').addEventListener('click', () => {
      start = Math.max(0, start - PAGE);
      void load();
    });
    document.getElementById('next').addEventListener('click', () => {
      start += PAGE;
      void load();
    });
    await load();
  }

  init().catch((err) => (document.getElementById('summary').textContent = err.message));
})();
