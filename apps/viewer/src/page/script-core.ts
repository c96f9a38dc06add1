// The page script's base: building DOM nodes (text only ever through text nodes and attributes,
// never markup), number formats, service colours, JSON fetches, and the hash route
// (`#/trace/<id>[/span/<id>]`, `#/sli`, filters as `?service=…`) that makes every view a link.
export const SCRIPT_CORE = `
'use strict';
const $ = (id) => document.getElementById(id);

/** An element with attributes, listeners (on…), text and children; strings become text nodes. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'style') for (const [name, v] of Object.entries(value)) node.style.setProperty(name, v);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}

/** Replaces a node's children, skipping the null and undefined that optional parts leave. */
function put(node, ...children) {
  node.replaceChildren(...children.filter((child) => child !== undefined && child !== null && child !== false));
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
  if (Math.abs(ms) >= 10000) return (ms / 1000).toFixed(1) + ' s';
  if (Math.abs(ms) >= 100) return ms.toFixed(0) + ' ms';
  if (Math.abs(ms) >= 10) return ms.toFixed(1) + ' ms';
  return ms.toFixed(2) + ' ms';
}
const fmtRate = (rate) => (rate >= 100 ? rate.toFixed(0) : rate.toFixed(1));
const fmtPct = (share) => (share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0) + ' %';
const show = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

// Services keep their colour across traces: the index of the name among every service seen.
const PALETTE = ['#3b82c4', '#2e9d6a', '#c77c1e', '#8e5cc4', '#c4507a', '#2a9aa6', '#7a8c2e', '#b5563a'];
let knownServices = [];
function colourOf(service) {
  let index = knownServices.indexOf(service);
  if (index < 0) {
    knownServices = [...knownServices, service].sort();
    index = knownServices.indexOf(service);
  }
  return PALETTE[index % PALETTE.length];
}

async function getJson(path) {
  const response = await fetch(path);
  if (!response.ok) return null;
  return response.json();
}

const FILTER_KEYS = ['service', 'model', 'status', 'minMs', 'traceId'];

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const cut = hash.indexOf('?');
  const path = cut < 0 ? hash : hash.slice(0, cut);
  const query = new URLSearchParams(cut < 0 ? '' : hash.slice(cut + 1));
  const parts = path.split('/').filter(Boolean).map((part) => {
    try { return decodeURIComponent(part); } catch { return part; }
  });
  const route = { view: 'traces', traceId: null, spanId: null };
  if (parts[0] === 'sli') route.view = 'sli';
  if (parts[0] === 'trace' && parts[1]) {
    route.traceId = parts[1].toLowerCase();
    if (parts[2] === 'span' && parts[3]) route.spanId = parts[3].toLowerCase();
  }
  return { route, query };
}

function hashFor(route, query) {
  let path = '/';
  if (route.view === 'sli') path = '/sli';
  else if (route.traceId) {
    path = '/trace/' + encodeURIComponent(route.traceId);
    if (route.spanId) path += '/span/' + encodeURIComponent(route.spanId);
  }
  const text = query.toString();
  return '#' + path + (text ? '?' + text : '');
}

/** Goes to a route: a new history entry, or (replace) the same one, e.g. for a filter's keystrokes. */
function navigate(route, query, replace) {
  const hash = hashFor(route, query || parseHash().query);
  if (hash === location.hash) return;
  if (replace) {
    history.replaceState(null, '', hash);
    onRoute();
  } else location.hash = hash;
}
`;
