// Rebuilds the wire-form recordings in this folder from the `*.source.*` files
// next to it. Node ESM, no dependencies. Run from anywhere:
//   node convert.mjs            (writes the derived files)
//   node convert.mjs --check    (only compares, exits 1 on any difference)
// Every transformation is mechanical (unwrapping a container format, or
// re-emitting parsed objects in the server's framing). No value is changed.
// Finding this folder and the write/check loop are shared with the other folders
// (../convert-lib.mjs); the extraction helpers below are used only here.
import {
  checkOnlyFromArgs,
  createOutputs,
  parseYaml,
  responseBody,
  scriptFolder,
  textReader,
  writeOrCheckOutputs,
} from '../convert-lib.mjs';

const checkOnly = checkOnlyFromArgs(process.argv.slice(2));
const here = scriptFolder(import.meta.url);
const read = textReader(here);
// Each derived file is collected (name -> text), then written or checked in one pass.
const { outputs, emit: out } = createOutputs();

// ---------------------------------------------------------------- helpers

// In a VCR (vcrpy) cassette: the request body and response body string of the
// interaction that requests `method uri`.
function cassette(text, method, uri) {
  const inter = parseYaml(text).interactions.find(
    (i) => i.request.method === method && i.request.uri === uri,
  );
  if (inter === undefined) throw new Error(`no ${method} ${uri}`);
  const reqBody = inter.request.body;
  return { reqBody: typeof reqBody === 'string' ? reqBody : null, resBody: responseBody(inter) };
}

// One entry cut out of huggingface.js packages/inference/test/tapes.json
// (the lines `\t"<hash>": {` ... `\t},` copied byte for byte).
function tape(text) {
  return Object.values(JSON.parse('{' + text.replace(/,\s*$/, '') + '}'))[0];
}

// Markdown: the code blocks (``` fenced) under the heading line `heading`,
// up to the next heading of the same or a higher level.
function mdBlocks(text, heading) {
  const lines = text.split('\n');
  const h = lines.indexOf(heading);
  if (h < 0) throw new Error(`no heading ${heading}`);
  const level = heading.match(/^#+/)[0].length;
  const blocks = [];
  let cur = null;
  for (let k = h + 1; k < lines.length; k++) {
    const line = lines[k];
    const m = line.match(/^(#+) /);
    if (!cur && m && m[1].length <= level) break;
    if (/^\s*```/.test(line)) {
      if (cur) {
        blocks.push(cur);
        cur = null;
      } else cur = { lang: line.trim().slice(3), lines: [] };
      continue;
    }
    if (cur) cur.lines.push(line);
  }
  return blocks.map((b) => ({ lang: b.lang, text: b.lines.join('\n') }));
}

// The body of `curl ... -d '<body>'` (the bytes curl sends).
function curlBody(shell) {
  const at = shell.indexOf("-d '");
  if (at < 0) throw new Error('no -d');
  return shell.slice(at + 4, shell.indexOf("'", at + 4));
}

const compact = (jsonText) => JSON.stringify(JSON.parse(jsonText));

// ------------------------------------------------------------------ TGI

// huggingface.js tapes: response.body is the body text as recorded.
for (const name of [
  'tgi-generate-stream-default',
  'tgi-generate-stream-default-dataspace',
  'tgi-generate-stream-default-noindex',
]) {
  const t = tape(read(`${name}.source.tape.txt`));
  out(`${name}.sse`, t.response.body);
  out(`${name}.request.json`, t.init.body);
}

// huggingface_hub VCR cassettes (vcrpy YAML): [case, extension of the response body file].
const TGI_CASSETTES = [
  ['tgi-generate-stream-details', '.sse'],
  ['tgi-generate-answer', '.json'],
];
const TGI_URI = 'https://router.huggingface.co/hf-inference/models/google/flan-t5-xxl';
for (const [name, bodyExt] of TGI_CASSETTES) {
  const c = cassette(read(`${name}.source.yaml`), 'POST', TGI_URI);
  out(`${name}${bodyExt}`, c.resBody);
  out(`${name}.request.json`, c.reqBody);
}

// --------------------------------------------------------------- Ollama
// docs/api.md shows each streamed object pretty-printed in its own block;
// the server writes one compact JSON object per line, each ending in "\n".
// Non-streamed answers are written without a trailing newline.
// [case, heading of the docs section, streamed]. Each section holds a `shell`
// curl block and the `json` answer block(s).
const OLLAMA_CASES = [
  ['ollama-generate-stream', '#### Generate request (Streaming)', true],
  ['ollama-generate-answer', '#### Request (No streaming)', false],
  ['ollama-chat-stream', '#### Chat request (Streaming)', true],
  ['ollama-chat-stream-tools', '#### Chat request (Streaming with tools)', true],
  ['ollama-chat-answer', '#### Chat request (No streaming)', false],
  ['ollama-chat-answer-tools', '#### Chat request (No streaming, with tools)', false],
  ['ollama-embed-answer', '## Generate Embeddings', false],
];
{
  const md = read('ollama-api.source.md');
  const ndjson = (blocks) => blocks.map((b) => compact(b.text) + '\n').join('');
  for (const [name, heading, streamed] of OLLAMA_CASES) {
    const blocks = mdBlocks(md, heading);
    const answers = blocks.filter((x) => x.lang === 'json');
    if (streamed) out(`${name}.ndjson`, ndjson(answers));
    else out(`${name}.json`, compact(answers[0].text));
    out(`${name}.request.json`, curlBody(blocks.find((x) => x.lang === 'shell').text));
  }
}

// --------------------------------------------------------------- Triton
// tensorrtllm_backend docs/multimodal.md, step 7: a curl to generate_stream
// and the `data: ` line it printed (indented inside a list item).
{
  const md = read('triton-generate-stream.source.md');
  const lines = md.split('\n');
  const r = lines.findIndex((l) => l.trim() === '# response');
  const curlLine = lines
    .slice(0, r)
    .reverse()
    .find((l) => l.trim().startsWith("-d '"));
  const data = lines.slice(r + 1).find((l) => l.trim().startsWith('data: '));
  out('triton-generate-stream.sse', data.trim() + '\n\n');
  out('triton-generate-stream.request.json', curlBody(curlLine.trim()));
}

// ------------------------------------------------------------ Anthropic
// vercel/ai saveRawChunks: one JSON chunk per line (no SSE envelope). The
// Messages API names each event after the chunk's `type`.
{
  const lines = read('anthropic-messages-stream-thinking.source.chunks.txt')
    .split('\n')
    .filter((l) => l.trim() !== '');
  out(
    'anthropic-messages-stream-thinking.sse',
    lines.map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join(''),
  );
  // vercel/ai stores the non-streamed body pretty-printed; the API sends it compact.
  out('anthropic-messages-answer.json', compact(read('anthropic-messages-answer.source.json')));
}

// ------------------------------------------------------------------ TEI
// insta YAML snapshot of the parsed `/embed` answer (Vec<Vec<f32>>); the
// number literals are copied as written.
{
  const snap = read('tei-embed-answer.source.snap');
  const body = snap.split('\n---\n')[1];
  const rows = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const rowStart = line.match(/^- - (\S+)$/);
    const rowItem = line.match(/^ {2}- (\S+)$/);
    if (rowStart) rows.push([rowStart[1]]);
    else if (rowItem) rows[rows.length - 1].push(rowItem[1]);
    else throw new Error(`unexpected snapshot line: ${line}`);
  }
  for (const row of rows) for (const n of row) if (!Number.isFinite(Number(n))) throw new Error(n);
  out('tei-embed-answer.json', '[' + rows.map((r) => '[' + r.join(',') + ']').join(',') + ']');
  out('tei-embed-answer.request.json', '{"inputs":"test","dimensions":128}');
}

// Several of these sources are excerpts (a tape entry cut out of tapes.json, say), named with
// their repository, commit and path in SOURCES.md; this folder makes no blob check, and says so.
writeOrCheckOutputs(here, outputs, { checkOnly, sourcesChecked: false });
