// The viewer's web page: the trace list, a waterfall with span details, and p50/p95/p99 per span
// name. One self-contained document; it reads the JSON API and writes text with textContent only.
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>edgetrace viewer</title>
<style>
  body { font: 13px/1.4 system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 360px 1fr; height: 100vh; }
  aside { border-right: 1px solid #ddd; overflow: auto; }
  main { overflow: auto; padding: 12px 16px; }
  h1 { font-size: 15px; margin: 12px; }
  h2 { font-size: 14px; margin: 16px 0 8px; }
  .trace { padding: 6px 12px; border-bottom: 1px solid #eee; cursor: pointer; }
  .trace:hover, .trace.open { background: #f2f6ff; }
  .trace .meta { color: #666; font-size: 12px; }
  .error { color: #b00020; }
  .row { display: grid; grid-template-columns: 320px 1fr 80px; align-items: center; gap: 8px; padding: 2px 0; cursor: pointer; }
  .row:hover { background: #fafafa; }
  .track { position: relative; height: 14px; background: #f4f4f4; }
  .bar { position: absolute; top: 2px; height: 10px; background: #4a7bd0; border-radius: 2px; }
  .bar.server { background: #3a9b5c; } .bar.client { background: #4a7bd0; } .bar.failed { background: #c0392b; }
  .label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .dur { text-align: right; color: #444; }
  pre { background: #f7f7f7; padding: 8px; overflow: auto; }
  table { border-collapse: collapse; } td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: right; } td:first-child, th:first-child { text-align: left; }
</style>
</head>
<body>
<aside><h1>edgetrace viewer</h1><div id="traces"></div></aside>
<main>
  <div id="trace"><p>Choose a trace.</p></div>
  <pre id="details" hidden></pre>
  <h2>Span durations (ms)</h2>
  <table id="stats"><thead><tr><th>span</th><th>count</th><th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody></tbody></table>
</main>
<script>
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
let openTrace = null;
async function loadTraces() {
  const traces = await (await fetch('/api/traces')).json();
  const list = document.getElementById('traces');
  list.replaceChildren(...traces.map((t) => {
    const item = el('div', 'trace' + (t.traceId === openTrace ? ' open' : ''));
    item.dataset.traceId = t.traceId;
    item.append(el('div', t.error ? 'error' : '', t.root), el('div', 'meta', t.services.join(' → ') + ' · ' + t.spans + ' spans · ' + t.durationMs.toFixed(1) + ' ms'));
    item.onclick = () => showTrace(t.traceId);
    return item;
  }));
  const stats = await (await fetch('/api/stats')).json();
  document.querySelector('#stats tbody').replaceChildren(...stats.map((s) => {
    const tr = el('tr');
    tr.append(el('td', '', s.name), el('td', '', String(s.count)), el('td', '', s.p50.toFixed(1)), el('td', '', s.p95.toFixed(1)), el('td', '', s.p99.toFixed(1)));
    return tr;
  }));
}
async function showTrace(traceId) {
  openTrace = traceId;
  const { spans } = await (await fetch('/api/traces/' + traceId)).json();
  const start = Math.min(...spans.map((s) => s.span.startMs));
  const total = Math.max(Math.max(...spans.map((s) => s.span.endMs)) - start, 0.001);
  const box = document.getElementById('trace');
  box.replaceChildren(el('h2', '', 'trace ' + traceId));
  for (const { span, depth } of spans) {
    const row = el('div', 'row');
    row.dataset.spanId = span.spanId;
    const label = el('div', 'label' + (span.status.code === 2 ? ' error' : ''), '\\u00a0'.repeat(depth * 3) + span.service + ' · ' + span.name);
    const track = el('div', 'track');
    const bar = el('div', 'bar ' + (span.status.code === 2 ? 'failed' : span.kind === 2 ? 'server' : span.kind === 3 ? 'client' : ''));
    bar.style.left = ((span.startMs - start) / total * 100) + '%';
    bar.style.width = Math.max(0.3, (span.endMs - span.startMs) / total * 100) + '%';
    track.append(bar);
    row.append(label, track, el('div', 'dur', (span.endMs - span.startMs).toFixed(1) + ' ms'));
    row.onclick = () => { const d = document.getElementById('details'); d.hidden = false; d.textContent = JSON.stringify(span, null, 2); };
    box.append(row);
  }
  loadTraces();
}
loadTraces();
setInterval(loadTraces, 2000);
</script>
</body>
</html>`;
