// The page script's trace view: where the time went (edge, network, the upstream's phases) as
// stacked bars with a one-line headline, then the inference-aware waterfall on a time axis — a
// generation's bar split at its first chunk (prefill vs decode), ticks at its mean chunk gap,
// tokens and tokens per second beside it, and each way of ending drawn and worded differently.
export const SCRIPT_WATERFALL = String.raw`
const OUTCOME_WORD = { error: 'error', cancelled: 'cancelled', incomplete: 'incomplete', unobserved: 'unobserved' };
const OUTCOME_ICON = { error: '✕', cancelled: '⊘', incomplete: '⋯', unobserved: '?' };
let shown = null;

function niceStep(raw) {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function axisRow(total) {
  const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
  const step = niceStep(total / 6);
  // A label too near the right edge would run off the track.
  for (let at = 0; at <= total * 0.93; at += step) {
    axis.append(el('span', { style: { left: (at / total) * 100 + '%' } }, fmtMs(at).replace('.00 ms', ' ms')));
  }
  return el('div', { class: 'axisrow' }, el('div', { class: 'muted' }, 'service · span'), axis, el('div', { class: 'muted' }, 'duration · inference'));
}

function breakdownBlock(view) {
  const b = view.breakdown;
  if (!b) return null;
  const all = [{ name: 'edge (' + b.edgeService + ')', ms: b.edgeMs, service: b.edgeService }];
  for (const g of b.generations) for (const s of g.segments) all.push({ name: s.name + (s.service ? ' on ' + s.service : ''), ms: s.ms });
  const top = all.reduce((a, c) => (c.ms > a.ms ? c : a), all[0]);
  const block = el(
    'section',
    { class: 'breakdown', 'aria-label': 'where the time went' },
    el('div', { class: 'headline' }, 'Most of the time: ' + top.name + ' — ' + fmtMs(top.ms) + ' of ' + fmtMs(b.totalMs) + ' (' + fmtPct(top.ms / Math.max(b.totalMs, 0.001)) + ')'),
    el('div', { class: 'segs' }, 'edge: ' + b.edgeService + '’s own time outside the model calls, ' + fmtMs(b.edgeMs)),
  );
  for (const g of b.generations) {
    const stack = el('div', { class: 'stack', role: 'img', 'aria-label': g.label });
    const words = [];
    g.segments.forEach((s, i) => {
      const share = s.ms / Math.max(g.totalMs, 0.001);
      // Phases of one service alternate in shade, and say their name where there is room.
      stack.append(el('div', {
        class: 'seg ' + s.kind,
        title: s.name + ': ' + fmtMs(s.ms) + ' (' + fmtPct(share) + ')',
        style: { width: share * 100 + '%', '--svc': s.service ? colourOf(s.service) : 'var(--accent)', opacity: String(i % 2 === 0 ? 1 : 0.7) },
      }, share > 0.08 ? s.name : ''));
      words.push(s.name + ' ' + fmtMs(s.ms));
    });
    block.append(el('div', {}, g.label + ' — ' + fmtMs(g.totalMs)), stack, el('div', { class: 'segs', 'data-generation': g.spanId }, words.join(' · ')));
  }
  return block;
}

function cadence(g) {
  if (g.meanChunkGapMs === undefined || g.maxChunkGapMs === undefined) return null;
  const max = Math.max(g.maxChunkGapMs, 0.001);
  const h = (v) => Math.max(1, (v / max) * 12);
  const title = (g.chunks || '?') + ' chunks; gap between chunks: mean ' + fmtMs(g.meanChunkGapMs) + ', longest ' + fmtMs(g.maxChunkGapMs);
  return el('span', { class: 'spark', title, 'aria-label': title, 'data-cadence': '' },
    svg('svg', { width: 22, height: 14, viewBox: '0 0 22 14' },
      svg('rect', { x: 1, y: 14 - h(g.meanChunkGapMs), width: 8, height: h(g.meanChunkGapMs) }),
      svg('rect', { x: 12, y: 14 - h(g.maxChunkGapMs), width: 8, height: h(g.maxChunkGapMs), opacity: 0.6 })));
}

function barFor(row, start, total) {
  const { span, generation: g, outcome } = row;
  const duration = span.endMs - span.startMs;
  const tip = [span.service + ' · ' + span.name, fmtMs(duration)];
  if (g && g.firstChunkMs !== undefined) tip.push('first chunk after ' + fmtMs(g.firstChunkMs));
  if (outcome.kind !== 'ok') tip.push(OUTCOME_WORD[outcome.kind] + ': ' + outcome.reason);
  const bar = el('div', {
    class: 'bar',
    'data-outcome': outcome.kind,
    title: tip.join('\n'),
    style: { left: ((span.startMs - start) / total) * 100 + '%', width: Math.max(0.2, (duration / total) * 100) + '%' },
  });
  if (g && g.firstChunkMs !== undefined && duration > 0) {
    const at = Math.min(1, g.firstChunkMs / duration) * 100;
    const decode = el('div', { class: 'decode', style: { left: at + '%' } });
    const decodeMs = duration - g.firstChunkMs;
    if (g.meanChunkGapMs && decodeMs > 0) {
      const period = (g.meanChunkGapMs / decodeMs) * 100;
      if (period >= 1) decode.style.setProperty('background', 'repeating-linear-gradient(to right, var(--tick) 0 1px, transparent 1px ' + period + '%)');
      decode.dataset.ticks = String(Math.round(100 / period));
    }
    bar.append(
      el('div', { class: 'prefill', style: { width: at + '%' }, title: 'to first chunk (queue + prefill + network): ' + fmtMs(g.firstChunkMs) }),
      decode,
      el('div', { class: 'ttfc', style: { left: at + '%' }, title: 'first chunk at ' + fmtMs(g.firstChunkMs) }),
    );
  }
  if (outcome.kind !== 'ok') bar.append(el('span', { class: 'end', 'aria-hidden': 'true' }, OUTCOME_ICON[outcome.kind]));
  return bar;
}

function figuresFor(row) {
  const { span, generation: g } = row;
  const parts = [el('span', { class: 'dur' }, fmtMs(span.endMs - span.startMs))];
  if (g) {
    const words = [];
    if (g.firstChunkMs !== undefined) words.push('ttfc ' + fmtMs(g.firstChunkMs));
    const tokens = [];
    if (g.inputTokens !== undefined) tokens.push('in ' + g.inputTokens);
    if (g.outputTokens !== undefined) tokens.push('out ' + g.outputTokens);
    if (tokens.length > 0) words.push(tokens.join(' ') + ' tok');
    if (g.tokensPerSecond !== undefined) words.push((g.tokensPerSecondDerived ? '~' : '') + fmtRate(g.tokensPerSecond) + ' tok/s');
    parts.push(el('span', { class: 'gen' }, words.join(' · ')), cadence(g));
  }
  return el('div', { class: 'figs' }, ...parts);
}

function spanRow(row, view, selected) {
  const { span, outcome } = row;
  const total = Math.max(view.endMs - view.startMs, 0.001);
  const tags = [];
  if (outcome.kind !== 'ok') tags.push(el('span', { class: 'tag ' + outcome.kind, title: outcome.reason }, OUTCOME_WORD[outcome.kind]));
  if (row.startsBeforeParentMs !== undefined)
    tags.push(el('span', { class: 'tag skew', title: 'starts ' + fmtMs(row.startsBeforeParentMs) + ' before its parent: the clocks of the services disagree (clock skew)' }, '⚠ skew ' + fmtMs(row.startsBeforeParentMs)));
  const element = el(
    'div',
    {
      class: 'row',
      role: 'row',
      tabindex: '0',
      'data-span-id': span.spanId,
      'data-outcome': outcome.kind,
      'aria-selected': span.spanId === selected ? 'true' : 'false',
      style: { '--svc': colourOf(span.service) },
      onclick: () => selectSpan(span.spanId),
      onkeydown: rowKeys,
    },
    el('div', { class: 'label', title: span.service + ' · ' + span.name, style: { 'padding-left': 4 + row.depth * 14 + 'px' } }, el('span', { class: 'svc' }, span.service), ' · ', span.name, ...tags),
    el('div', { class: 'track' }, barFor(row, view.startMs, total)),
    figuresFor(row),
  );
  if (row.startsBeforeParentMs !== undefined) element.dataset.skew = String(row.startsBeforeParentMs);
  return element;
}

function rowKeys(event) {
  const rows = [...document.querySelectorAll('.wf .row')];
  const index = rows.indexOf(event.currentTarget);
  const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows.length - 1 }[event.key];
  if (next !== undefined) {
    event.preventDefault();
    rows[Math.max(0, Math.min(rows.length - 1, next))].focus();
  } else if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    selectSpan(event.currentTarget.dataset.spanId);
  }
}

function selectSpan(spanId) {
  const { route, query } = parseHash();
  navigate({ view: 'traces', traceId: route.traceId, spanId }, query, true);
}

function renderSelection(spanId) {
  for (const row of document.querySelectorAll('.wf .row')) row.setAttribute('aria-selected', row.dataset.spanId === spanId ? 'true' : 'false');
  const row = shown && shown.spans.find((r) => r.span.spanId === spanId);
  if (row) showDetails(row, shown);
  else $('details').hidden = true;
}

async function showTrace(traceId, spanId, refresh) {
  if (!refresh && shown && shown.traceId === traceId) return renderSelection(spanId);
  const view = await getJson('/api/traces/' + encodeURIComponent(traceId));
  const box = $('view');
  if (!view) {
    shown = null;
    $('details').hidden = true;
    box.replaceChildren(el('h2', {}, 'Trace ' + traceId), el('p', { class: 'muted' }, 'Not here (yet): it appears as soon as its spans arrive.'));
    return;
  }
  shown = view;
  const s = view.summary;
  const legend = el('div', { class: 'legend' }, ...view.services.map((service) => el('span', { style: { '--svc': colourOf(service) } }, el('span', { class: 'swatch' }), service)));
  const wf = el('div', { class: 'wf', role: 'grid', 'aria-label': 'waterfall' }, axisRow(Math.max(view.endMs - view.startMs, 0.001)), ...view.spans.map((row) => spanRow(row, view, spanId)));
  put(
    box,
    el('h2', {}, s.root),
    el('div', { class: 'muted' }, 'trace ' + view.traceId + ' · ' + fmtMs(s.durationMs) + ' · ' + s.spans + ' spans · ' + new Date(s.startMs).toLocaleString()),
    s.failure ? el('p', { class: 'status-error', id: 'failure' }, 'Failed: ' + s.failure) : null,
    breakdownBlock(view),
    legend,
    wf,
  );
  renderSelection(spanId);
}
`;
