// The viewer's web page: one self-contained document (no CDN, no framework) — style and script
// inline, written for textContent only — and the Content-Security-Policy that admits exactly that
// script and style by their hashes, so even a value that slipped in as markup could not run.
import { createHash } from 'node:crypto';
import { SCRIPT_CORE } from './script-core.js';
import { SCRIPT_DETAILS } from './script-details.js';
import { SCRIPT_LIST } from './script-list.js';
import { SCRIPT_MAIN } from './script-main.js';
import { SCRIPT_SLI } from './script-sli.js';
import { SCRIPT_WATERFALL } from './script-waterfall.js';
import { STYLE } from './style.js';

const SCRIPT = [SCRIPT_CORE, SCRIPT_LIST, SCRIPT_WATERFALL, SCRIPT_DETAILS, SCRIPT_SLI, SCRIPT_MAIN].join(
  '\n',
);

const BODY = `<header>
  <h1>edgetrace viewer</h1>
  <nav aria-label="views"><a href="#/" data-view="traces">Traces</a><a href="#/sli" data-view="sli">Service levels</a></nav>
  <span id="live" role="status" data-state="off">connecting…</span>
</header>
<aside aria-label="traces">
  <form id="filters" role="search" aria-label="find a trace">
    <label>service<select name="service"></select></label>
    <label>model<select name="model"></select></label>
    <label>status<select name="status">
      <option value="">any</option><option value="error">error</option>
      <option value="cancelled">cancelled</option><option value="slow">slow</option>
    </select></label>
    <label>at least (ms)<input name="minMs" type="number" min="0" step="any" inputmode="decimal"></label>
    <label class="wide">trace id<input name="traceId" type="search" autocomplete="off" spellcheck="false" placeholder="press / to type"></label>
  </form>
  <div id="count" role="status"></div>
  <ul id="traces"></ul>
</aside>
<main>
  <div id="view"></div>
  <section id="details" aria-label="span details" hidden></section>
</main>`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page, served at `/`. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edgetrace viewer</title>
<style>${STYLE}</style>
</head>
<body>
${BODY}
<script>${SCRIPT}</script>
</body>
</html>`;

/** Only the page's own script and style, and fetches to its own server. */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  // Bar positions and service colours are set through element.style (CSSOM), which CSP allows.
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
