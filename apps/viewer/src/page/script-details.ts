// The page script's span details, as a person reads them: what the span is and how it ended,
// its inference figures, attributes grouped by namespace (gen_ai.*, edgetrace.*, http.*, …, then
// the resource), events with their offsets, links, and a "raw" toggle for the JSON. Every value is
// set as text: a hostile attribute value stays data.
export const SCRIPT_DETAILS = String.raw`
const KIND_NAME = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const NAMESPACE_ORDER = ['gen_ai', 'edgetrace', 'http', 'url', 'server', 'error'];
let rawOpen = false;

function table(rows, cls) {
  return el('table', { class: cls || 'attrs' }, el('tbody', {}, ...rows.map(([key, value]) => el('tr', {}, el('td', {}, key), el('td', {}, show(value))))));
}

function byNamespace(attributes) {
  const groups = new Map();
  for (const [key, value] of Object.entries(attributes)) {
    const cut = key.indexOf('.');
    const namespace = cut < 0 ? '(no namespace)' : key.slice(0, cut);
    if (!groups.has(namespace)) groups.set(namespace, []);
    groups.get(namespace).push([key, value]);
  }
  const rank = (ns) => (NAMESPACE_ORDER.includes(ns) ? NAMESPACE_ORDER.indexOf(ns) : NAMESPACE_ORDER.length);
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

function inferenceRows(g) {
  const rows = [];
  if (g.model !== undefined) rows.push(['model', g.model]);
  if (g.operation !== undefined) rows.push(['operation', g.operation + (g.provider ? ' (' + g.provider + ')' : '')]);
  if (g.firstByteMs !== undefined) rows.push(['time to first byte', fmtMs(g.firstByteMs)]);
  if (g.firstChunkMs !== undefined) rows.push(['time to first chunk', fmtMs(g.firstChunkMs)]);
  if (g.chunks !== undefined) rows.push(['chunks', String(g.chunks)]);
  if (g.meanChunkGapMs !== undefined) rows.push(['mean gap between chunks', fmtMs(g.meanChunkGapMs)]);
  if (g.maxChunkGapMs !== undefined) rows.push(['longest gap between chunks', fmtMs(g.maxChunkGapMs)]);
  if (g.inputTokens !== undefined) rows.push(['input tokens', String(g.inputTokens)]);
  if (g.outputTokens !== undefined) rows.push(['output tokens', String(g.outputTokens)]);
  if (g.tokensPerSecond !== undefined) rows.push(['output tokens per second', fmtRate(g.tokensPerSecond) + (g.tokensPerSecondDerived ? ' (output tokens over the time after the first chunk)' : '')]);
  if (g.finishReasons !== undefined) rows.push(['finish reasons', g.finishReasons.join(', ')]);
  return rows;
}

function showDetails(row, view) {
  const { span, outcome, generation } = row;
  const details = $('details');
  const status = outcome.kind === 'ok'
    ? el('span', {}, ['unset', 'ok', 'error'][span.status.code] || String(span.status.code))
    : el('span', { class: outcome.kind === 'error' || outcome.kind === 'incomplete' ? 'status-error' : 'status-warn' }, OUTCOME_WORD[outcome.kind] + ': ' + outcome.reason);
  const overview = el('table', { class: 'attrs' }, el('tbody', {},
    el('tr', {}, el('td', {}, 'status'), el('td', { 'data-field': 'status' }, status)),
    el('tr', {}, el('td', {}, 'kind'), el('td', {}, KIND_NAME[span.kind] || String(span.kind))),
    el('tr', {}, el('td', {}, 'duration'), el('td', {}, fmtMs(span.endMs - span.startMs))),
    el('tr', {}, el('td', {}, 'starts at'), el('td', {}, '+' + fmtMs(span.startMs - view.startMs) + ' into the trace')),
    row.startsBeforeParentMs !== undefined ? el('tr', {}, el('td', {}, 'clock skew'), el('td', { class: 'status-warn' }, 'starts ' + fmtMs(row.startsBeforeParentMs) + ' before its parent: this service’s clock and its parent’s disagree')) : null,
    el('tr', {}, el('td', {}, 'span id'), el('td', {}, span.spanId)),
    el('tr', {}, el('td', {}, 'parent'), el('td', {}, span.parentSpanId || '(root)')),
  ));
  const parts = [
    el('h2', {}, span.service + ' · ' + span.name, ' ', el('button', { class: 'small', type: 'button', onclick: closeDetails }, 'close (Esc)')),
    overview,
  ];
  if (generation) parts.push(el('h3', {}, 'inference'), table(inferenceRows(generation)));
  for (const [namespace, rows] of byNamespace(span.attributes)) {
    parts.push(el('h3', {}, namespace === '(no namespace)' ? namespace : namespace + '.*'), table(rows));
  }
  parts.push(el('h3', {}, 'resource'), table(Object.entries(span.resource || {})));
  if (span.events.length > 0) {
    parts.push(el('h3', {}, 'events'), el('table', { class: 'attrs events' }, el('tbody', {}, ...span.events.map((e) =>
      el('tr', {}, el('td', {}, '+' + fmtMs(e.timeMs - span.startMs)), el('td', {}, e.name), el('td', {}, Object.entries(e.attributes).map(([k, v]) => k + ' = ' + show(v)).join('\n')))))));
  }
  if ((span.links || []).length > 0) {
    parts.push(el('h3', {}, 'links'), el('ul', {}, ...span.links.map((link) =>
      el('li', {}, el('a', { href: hashFor({ view: 'traces', traceId: link.traceId, spanId: link.spanId }, new URLSearchParams()) }, 'trace ' + link.traceId + ' span ' + link.spanId),
        Object.keys(link.attributes).length > 0 ? ' ' + Object.entries(link.attributes).map(([k, v]) => k + '=' + show(v)).join(' ') : ''))));
  }
  const raw = el('pre', { id: 'raw', hidden: !rawOpen }, JSON.stringify(span, null, 2));
  const toggle = el('button', { class: 'small', type: 'button', 'aria-pressed': String(rawOpen), 'aria-controls': 'raw' }, 'raw JSON');
  toggle.addEventListener('click', () => {
    rawOpen = !rawOpen;
    raw.hidden = !rawOpen;
    toggle.setAttribute('aria-pressed', String(rawOpen));
  });
  parts.push(el('p', {}, toggle), raw);
  details.replaceChildren(...parts);
  details.hidden = false;
}

function closeDetails() {
  const { route, query } = parseHash();
  const spanId = route.spanId;
  navigate({ view: 'traces', traceId: route.traceId, spanId: null }, query, true);
  if (spanId) document.querySelector('.wf .row[data-span-id="' + CSS.escape(spanId) + '"]')?.focus();
}
`;
