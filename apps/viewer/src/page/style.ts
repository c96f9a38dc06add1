// The page's style: light and dark from the system setting (prefers-color-scheme), colours as
// variables, and a distinct look for each way a span can end (error, cancelled, incomplete,
// unobserved) that does not rely on colour alone (pattern, outline, icon and a word).
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1c1e21; --muted: #5f6670; --line: #e3e6ea; --panel: #f6f7f9; --hover: #eef3ff;
  --accent: #2f6fdb; --error: #c62828; --warn: #b26a00; --ok: #2e7d32; --track: #f0f2f5;
  --prefill: rgba(255, 255, 255, 0.55); --tick: rgba(0, 0, 0, 0.35); --focus: #2f6fdb;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171a; --fg: #e6e8eb; --muted: #9aa3ad; --line: #2c3036; --panel: #1d2025; --hover: #232b3a;
    --accent: #7aa7ff; --error: #ff6b6b; --warn: #ffb454; --ok: #6fcf73; --track: #1f2328;
    --prefill: rgba(0, 0, 0, 0.45); --tick: rgba(255, 255, 255, 0.55); --focus: #7aa7ff;
  }
}
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; background: var(--bg); color: var(--fg);
  display: grid; grid-template-rows: auto 1fr; grid-template-columns: 340px 1fr; height: 100vh; }
header { grid-column: 1 / 3; display: flex; align-items: center; gap: 16px; padding: 6px 12px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 15px; margin: 0; }
nav a { margin-right: 12px; color: var(--muted); text-decoration: none; padding: 2px 4px; }
nav a[aria-current="page"] { color: var(--fg); font-weight: 600; border-bottom: 2px solid var(--accent); }
#live { margin-left: auto; color: var(--muted); font-size: 12px; }
#live[data-state="live"]::before { content: "● "; color: var(--ok); }
#live[data-state="off"]::before { content: "● "; color: var(--error); }
aside { border-right: 1px solid var(--line); overflow: auto; min-height: 0; }
main { overflow: auto; padding: 10px 16px; min-height: 0; }
h2 { font-size: 14px; margin: 14px 0 6px; }
h3 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); }
a { color: var(--accent); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
form#filters { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; padding: 8px 12px; border-bottom: 1px solid var(--line); }
form#filters label { display: grid; font-size: 11px; color: var(--muted); gap: 2px; }
form#filters input, form#filters select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 3px 5px; min-width: 0; }
form#filters .wide { grid-column: 1 / 3; }
#count { padding: 4px 12px; color: var(--muted); font-size: 12px; }
#traces { list-style: none; margin: 0; padding: 0; }
.trace { display: block; width: 100%; text-align: left; font: inherit; color: inherit; background: none; border: 0;
  border-bottom: 1px solid var(--line); padding: 6px 12px; cursor: pointer; }
.trace:hover, .trace[aria-current="true"] { background: var(--hover); }
.trace .root { font-weight: 600; }
.trace .meta, .muted { color: var(--muted); font-size: 12px; }
.trace .why { color: var(--error); font-size: 12px; overflow-wrap: anywhere; }
.tag { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 8px; border: 1px solid currentColor; margin-left: 4px; }
.tag.error, .tag.incomplete { color: var(--error); } .tag.cancelled, .tag.slow, .tag.skew { color: var(--warn); } .tag.unobserved { color: var(--muted); }
.legend { display: flex; gap: 12px; flex-wrap: wrap; margin: 4px 0 8px; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; background: var(--svc); }
.breakdown { margin: 6px 0 10px; }
.breakdown .headline { font-weight: 600; }
.stack { display: flex; height: 16px; border-radius: 3px; overflow: hidden; margin: 3px 0; background: var(--track); }
.stack .seg { height: 100%; min-width: 2px; background: var(--svc); border-right: 1px solid var(--bg);
  color: #fff; font-size: 11px; line-height: 16px; padding-left: 4px; overflow: hidden; white-space: nowrap; }
.stack .seg.network { background: repeating-linear-gradient(135deg, var(--muted) 0 3px, transparent 3px 6px); }
.segs { font-size: 12px; color: var(--muted); }
.wf .row, .wf .axisrow { display: grid; grid-template-columns: minmax(170px, 22%) 1fr 340px; column-gap: 8px; }
.wf .axis { grid-column: 2; position: relative; height: 18px; border-bottom: 1px solid var(--line); font-size: 11px; color: var(--muted); }
.wf .axis span { position: absolute; top: 0; transform: translateX(-50%); white-space: nowrap; }
.wf .axis span::after { content: ""; position: absolute; left: 50%; top: 14px; height: 4px; border-left: 1px solid var(--muted); }
.row { cursor: pointer; border-bottom: 1px solid var(--line); align-items: center; }
.row > * { padding: 3px 0; }
.row:hover, .row[aria-selected="true"] { background: var(--hover); }
.row:focus-visible { outline: 2px solid var(--focus); outline-offset: -2px; }
.label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.label .svc { color: var(--svc); font-weight: 600; }
.track { position: relative; height: 22px; background: var(--track); }
.bar { position: absolute; top: 4px; height: 14px; min-width: 2px; border-radius: 2px; background: var(--svc); }
.bar .prefill { position: absolute; left: 0; top: 0; bottom: 0; background: var(--prefill); border-right: 2px solid var(--fg); }
.bar .decode { position: absolute; top: 0; bottom: 0; right: 0; }
.bar .ttfc { position: absolute; top: -4px; bottom: -4px; width: 0; border-left: 2px solid var(--fg); }
.bar[data-outcome="error"] { background: var(--error); }
.bar[data-outcome="incomplete"] { background: linear-gradient(to right, var(--error) 70%, transparent); border-right: 2px dotted var(--error); }
.bar[data-outcome="cancelled"] { background: repeating-linear-gradient(135deg, var(--warn) 0 4px, transparent 4px 8px); outline: 1px solid var(--warn); }
.bar[data-outcome="unobserved"] { background: transparent; outline: 1px dashed var(--svc); }
.bar .end { position: absolute; right: -14px; top: -2px; font-size: 12px; line-height: 14px; }
.figs { font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.figs .dur { font-variant-numeric: tabular-nums; display: inline-block; min-width: 64px; text-align: right; margin-right: 6px; }
.spark { display: inline-block; vertical-align: middle; margin-left: 4px; }
.spark rect { fill: var(--svc); }
#details { border-top: 1px solid var(--line); margin-top: 12px; }
#details[hidden] { display: none; }
table { border-collapse: collapse; font-size: 12px; }
td, th { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.attrs td:first-child { color: var(--muted); white-space: nowrap; }
table.attrs td:last-child { overflow-wrap: anywhere; white-space: pre-wrap; font-family: ui-monospace, monospace; }
/* The service-level view is a wide table and needs no trace list beside it. */
body[data-view="sli"] { grid-template-columns: 1fr; }
body[data-view="sli"] aside { display: none; }
body[data-view="sli"] header { grid-column: 1; }
#sli td, #sli th { white-space: nowrap; padding: 3px 6px; }
#sli .swatch { margin-right: 6px; }
th button { font: inherit; font-weight: 600; background: none; border: 0; color: inherit; cursor: pointer; padding: 0; }
th[aria-sort="ascending"] button::after { content: " ▲"; } th[aria-sort="descending"] button::after { content: " ▼"; }
pre { background: var(--panel); padding: 8px; overflow: auto; font-size: 12px; }
button.small { font: inherit; font-size: 12px; color: inherit; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
.status-error { color: var(--error); font-weight: 600; } .status-warn { color: var(--warn); font-weight: 600; }
`;
