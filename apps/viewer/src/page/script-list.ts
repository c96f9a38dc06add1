// The page script's trace list: the filter form (service, model, status, minimum duration, trace
// id) kept in the hash so a filtered list is a link, the list itself with each trace's failure in
// words, arrow-key movement, and the live feed (server-sent events from /api/events).
export const SCRIPT_LIST = `
function fillSelect(select, values, chosen) {
  const options = [el('option', { value: '' }, 'any')];
  for (const value of values) options.push(el('option', { value }, value));
  if (chosen && !values.includes(chosen)) options.push(el('option', { value: chosen }, chosen));
  select.replaceChildren(...options);
  select.value = chosen || '';
}

function syncForm(query) {
  const form = $('filters');
  for (const key of ['status', 'minMs', 'traceId']) {
    const input = form.elements.namedItem(key);
    if (document.activeElement !== input) input.value = query.get(key) || '';
  }
}

function traceItem(summary, openId) {
  const tags = [];
  if (summary.error) tags.push(el('span', { class: 'tag error' }, 'error'));
  if (summary.cancelled) tags.push(el('span', { class: 'tag cancelled' }, 'cancelled'));
  if (summary.slow) tags.push(el('span', { class: 'tag slow', title: 'in the slowest 10 % of traces with this root' }, 'slow'));
  const meta = [fmtMs(summary.durationMs), summary.spans + ' spans', summary.services.join(' → ')];
  if (summary.models.length > 0) meta.push(summary.models.join(', '));
  if (summary.firstChunkMs !== undefined) meta.push('first chunk ' + fmtMs(summary.firstChunkMs));
  const button = el(
    'button',
    {
      class: 'trace',
      type: 'button',
      'data-trace-id': summary.traceId,
      'aria-current': summary.traceId === openId ? 'true' : 'false',
      onclick: () => navigate({ view: 'traces', traceId: summary.traceId, spanId: null }),
    },
    el('div', { class: 'root' }, summary.root, ...tags),
    el('div', { class: 'meta' }, meta.join(' · ')),
    el('div', { class: 'meta' }, new Date(summary.startMs).toLocaleTimeString() + ' · ' + summary.traceId.slice(0, 16) + '…'),
    summary.failure ? el('div', { class: 'why' }, summary.failure) : null,
  );
  return el('li', {}, button);
}

async function loadList() {
  const { route, query } = parseHash();
  const api = new URLSearchParams();
  for (const key of FILTER_KEYS) if (query.get(key)) api.set(key, query.get(key));
  const filtered = api.toString() !== '';
  const [all, shown] = await Promise.all([
    getJson('/api/traces'),
    filtered ? getJson('/api/traces?' + api.toString()) : null,
  ]);
  if (!all) return;
  const list = filtered ? shown || [] : all;
  knownServices = [...new Set(all.flatMap((t) => t.services))].sort();
  fillSelect($('filters').elements.namedItem('service'), knownServices, query.get('service'));
  fillSelect($('filters').elements.namedItem('model'), [...new Set(all.flatMap((t) => t.models))].sort(), query.get('model'));
  syncForm(query);
  $('count').textContent = filtered ? list.length + ' of ' + all.length + ' traces match' : all.length + ' traces';
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.traceId : undefined;
  $('traces').replaceChildren(...list.map((summary) => traceItem(summary, route.traceId)));
  if (focused) document.querySelector('.trace[data-trace-id="' + CSS.escape(focused) + '"]')?.focus();
}

function filterChanged() {
  const { route, query } = parseHash();
  const form = $('filters');
  for (const key of FILTER_KEYS) {
    const value = String(form.elements.namedItem(key).value || '').trim();
    if (value) query.set(key, value);
    else query.delete(key);
  }
  navigate(route, query, true);
}

/** Up and down move between traces; Home and End jump. */
function listKeys(event) {
  const items = [...document.querySelectorAll('#traces .trace')];
  const index = items.indexOf(document.activeElement);
  if (index < 0) return;
  const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  items[Math.max(0, Math.min(items.length - 1, next))].focus();
}

let refreshTimer;
const changedTraces = new Set();
function scheduleRefresh(traceId) {
  if (traceId) changedTraces.add(traceId);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    const { route } = parseHash();
    loadList();
    if (route.view === 'sli') showSli();
    else if (route.traceId && changedTraces.has(route.traceId)) showTrace(route.traceId, route.spanId, true);
    changedTraces.clear();
  }, 150);
}

function connectLive() {
  const live = $('live');
  const source = new EventSource('/api/events');
  source.addEventListener('hello', () => {
    live.dataset.state = 'live';
    live.textContent = 'live';
    scheduleRefresh();
  });
  source.addEventListener('trace', (event) => {
    const summary = JSON.parse(event.data);
    scheduleRefresh(summary.traceId);
  });
  source.onerror = () => {
    live.dataset.state = 'off';
    live.textContent = 'reconnecting…';
  };
}
`;
