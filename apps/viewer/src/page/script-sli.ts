// The page script's service-level view: per service × model × operation, count, error rate,
// p50/p95/p99 of duration and of time to first chunk, tokens per second; sortable by any column
// (the sort is in the hash, so it survives a reload), with the slowest traces one click away.
export const SCRIPT_SLI = `
const msBare = (ms) => fmtMs(ms).replace(/ ms$/, '');
const SLI_COLUMNS = [
  { key: 'service', label: 'service', value: (r) => r.service, text: true },
  { key: 'model', label: 'model', value: (r) => r.model, text: true },
  { key: 'operation', label: 'operation', value: (r) => r.operation, text: true },
  { key: 'count', label: 'count', value: (r) => r.count, show: String },
  { key: 'errors', label: 'errors', value: (r) => r.errorRate, show: (v, r) => (r.errors === 0 ? '0' : fmtPct(v) + ' (' + r.errors + ')') },
  { key: 'd50', label: 'p50', value: (r) => r.duration.p50, show: msBare },
  { key: 'd95', label: 'p95', value: (r) => r.duration.p95, show: msBare },
  { key: 'd99', label: 'p99', value: (r) => r.duration.p99, show: msBare },
  { key: 'f50', label: 'p50', value: (r) => r.firstChunk.p50, show: msBare },
  { key: 'f95', label: 'p95', value: (r) => r.firstChunk.p95, show: msBare },
  { key: 'f99', label: 'p99', value: (r) => r.firstChunk.p99, show: msBare },
  { key: 'tps', label: 'tok/s', value: (r) => r.tokensPerSecond, show: (v) => (v === undefined ? '–' : fmtRate(v)) },
];

function sortRows(rows, key, dir) {
  const column = SLI_COLUMNS.find((c) => c.key === key) || SLI_COLUMNS[0];
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === undefined && y === undefined) return 0;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return sign * (column.text ? String(x).localeCompare(String(y)) : x - y);
  });
}

async function showSli() {
  const rows = await getJson('/api/sli');
  if (!rows) return;
  const { query } = parseHash();
  const key = query.get('sort') || 'service';
  const column = SLI_COLUMNS.find((c) => c.key === key) || SLI_COLUMNS[0];
  const dir = query.get('dir') || (column.text ? 'asc' : 'desc');
  const service = query.get('service');
  const model = query.get('model');
  const chosen = rows.filter((r) => (!service || r.service === service) && (!model || r.model === model));
  const sortBy = (k) => {
    const q = parseHash().query;
    const col = SLI_COLUMNS.find((c) => c.key === k);
    q.set('sort', k);
    q.set('dir', k === key ? (dir === 'asc' ? 'desc' : 'asc') : col.text ? 'asc' : 'desc');
    navigate({ view: 'sli', traceId: null, spanId: null }, q, true);
    document.querySelector('#sli th[data-key="' + k + '"] button')?.focus();
  };
  const head = el('tr', {}, ...SLI_COLUMNS.map((c) =>
    el('th', { class: c.text ? '' : 'num', 'data-key': c.key, 'aria-sort': c.key === key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none' },
      el('button', { type: 'button', onclick: () => sortBy(c.key) }, c.label))),
    el('th', {}, 'slowest traces'));
  const groups = el('tr', {}, el('th', { colspan: 5 }), el('th', { colspan: 3, class: 'num' }, 'duration (ms)'), el('th', { colspan: 3, class: 'num' }, 'time to first chunk (ms)'), el('th', { colspan: 2 }));
  const body = sortRows(chosen, key, dir).map((r) =>
    el('tr', { style: { '--svc': colourOf(r.service) }, 'data-service': r.service, 'data-model': r.model },
      ...SLI_COLUMNS.map((c) => {
        const value = c.value(r);
        return el('td', { class: c.text ? '' : 'num' }, c.key === 'service' ? el('span', { class: 'swatch' }) : null, c.show ? c.show(value, r) : String(value));
      }),
      el('td', {}, ...r.slowest.slice(0, 2).flatMap((t, i) => [i > 0 ? ' ' : null,
        el('a', { href: hashFor({ view: 'traces', traceId: t.traceId, spanId: null }, new URLSearchParams()), title: 'trace ' + t.traceId }, fmtMs(t.durationMs))]))));
  put(
    $('view'),
    el('h2', {}, 'Service levels: per service × model'),
    el('p', { class: 'muted' }, 'Every span, grouped by its service, its model (a GPU server’s span takes the model of the call above it) and its operation. Click a column to sort, a duration to open that trace.'),
    el('table', { id: 'sli' }, el('thead', {}, groups, head), el('tbody', {}, ...body)),
  );
  $('details').hidden = true;
}
`;
