// The page script's start: reacting to the hash (which view, which trace, which span, which
// filters), the keys that work everywhere (/ to filter, Esc to close, t and s to switch views),
// and the live feed.
export const SCRIPT_MAIN = `
function onRoute() {
  const { route } = parseHash();
  document.body.dataset.view = route.view;
  for (const link of document.querySelectorAll('nav a')) link.setAttribute('aria-current', link.dataset.view === route.view ? 'page' : 'false');
  loadList();
  if (route.view === 'sli') {
    shown = null;
    showSli();
  } else if (route.traceId) showTrace(route.traceId, route.spanId, false);
  else {
    shown = null;
    $('details').hidden = true;
    put(
    $('view'),
      el('h2', {}, 'Choose a trace'),
      el('p', { class: 'muted' }, 'Each trace shows where its time went: the edge, the network, and the GPU server’s queue, prefill and decode. Failed, cancelled and slow traces are tagged in the list.'),
      el('p', { class: 'muted' }, 'Keys: / filter by trace id · ↑ ↓ move · Enter open · Esc close · t traces · s service levels'),
    );
  }
}

document.addEventListener('keydown', (event) => {
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
  if (event.key === 'Escape') {
    if (typing) event.target.blur();
    else if (!$('details').hidden) closeDetails();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === '/') {
    event.preventDefault();
    $('filters').elements.namedItem('traceId').focus();
  } else if (event.key === 't') navigate({ view: 'traces', traceId: null, spanId: null });
  else if (event.key === 's') navigate({ view: 'sli', traceId: null, spanId: null });
});
$('filters').addEventListener('input', filterChanged);
$('filters').addEventListener('submit', (event) => event.preventDefault());
$('traces').addEventListener('keydown', listKeys);
window.addEventListener('hashchange', onRoute);
onRoute();
connectLive();
`;
