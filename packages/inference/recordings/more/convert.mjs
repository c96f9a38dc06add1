// Reproducible conversion of the recorded sources in this folder into wire-form files.
// Node ESM, no dependencies. Run from anywhere:
//   node convert.mjs           regenerate the derived files (only changed files are rewritten)
//   node convert.mjs --check   regenerate in memory only; exit 1 if any derived file differs
//
// Sources (kept byte for byte as *.source.*, see SOURCES.md):
//  - VCR cassettes from pydantic/pydantic-ai (YAML written by vcrpy / PyYAML). A response body
//    stored as `body: {string: ...}` is the HTTP body text exactly as recorded; it is written
//    out unchanged. A body stored as `parsed_body` (pydantic-ai's serializer does this for
//    application/json) is a parsed object; it is re-serialized with JSON.stringify (compact,
//    key order as in the cassette, which is alphabetical).
//  - cloudflare/cloudflare-docs page (MDX): the one ```json block after "The API response will
//    look like the following:" and the curl `-d '...'` text are cut out unchanged.
// Nothing is edited: no value is added, dropped or changed.
//
// Both modes first check that every source still has the git blob hash recorded below, so a
// reformatted source is caught instead of silently converted. Both modes also check that every
// `data:` payload of each .sse file (other than `[DONE]`) and every .json file parses as JSON.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const unknownArgs = args.filter((a) => a !== '--check');
if (unknownArgs.length > 0) {
  console.error(`unknown argument(s): ${unknownArgs.join(' ')}\nusage: node convert.mjs [--check]`);
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const read = (f) => readFileSync(join(here, f), 'utf8');

// Git blob hashes of the sources (repository, commit and path per case in SOURCES.md).
const SOURCE_BLOBS = {
  // pydantic/pydantic-ai 4fda3898…, tests/models/cassettes/test_crusoe/test_crusoe_model_streaming.yaml
  'vllm-chat-stream-usage.source.yaml': '01ebf42d66fc4fb5604d6a33d5f19ce1e08117f4',
  // pydantic/pydantic-ai 4fda3898…, tests/models/cassettes/test_openai/test_openai_o1_mini_system_role[system].yaml
  'openai-error-answer.source.yaml': '7cfdb852fe2029e2b7e57df986d8bd82afdece28',
  // pydantic/pydantic-ai 4fda3898…, tests/models/cassettes/test_anthropic/test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml
  'anthropic-error-answer.source.yaml': '89120df83290547beae64e639412ae3289de868b',
  // cloudflare/cloudflare-docs 0c50ffa0…, src/content/docs/workers-ai/get-started/rest-api.mdx
  // (read through the file index, not git; hash computed from the 3,288-character copy)
  'workers-ai-answer.source.mdx': 'e25c56fa87f355a3e1f601b4c87218c0ae0878c2',
};

const gitBlobSha1 = (bytes) =>
  createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

{
  const altered = [];
  for (const [file, expected] of Object.entries(SOURCE_BLOBS)) {
    const path = join(here, file);
    if (!existsSync(path)) {
      altered.push(`${file}: missing`);
      continue;
    }
    const actual = gitBlobSha1(readFileSync(path));
    if (actual !== expected) altered.push(`${file}: git blob ${actual}, expected ${expected}`);
  }
  if (altered.length > 0) {
    console.error('Source files are missing or no longer byte-identical to upstream (see SOURCES.md):');
    for (const line of altered) console.error(`  ${line}`);
    console.error('Re-fetch them byte for byte from the repository/commit/path in SOURCES.md. Nothing was written.');
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------
// Minimal YAML reader for the block-style subset PyYAML emits in cassettes:
// block mappings, block sequences (also at the parent key's indent), plain,
// single-quoted, double-quoted (multi-line, folded) and literal block scalars.
// ---------------------------------------------------------------------------
function parseYaml(text) {
  let lines = text.replace(/\r\n/g, '\n').split('\n');
  const docEnd = lines.indexOf('...'); // document end marker
  if (docEnd >= 0) lines = lines.slice(0, docEnd);
  let i = 0;
  const indentOf = (l) => l.length - l.trimStart().length;
  // "- item" / "-" and "key: value" / "key:" lines (keys plain, single- or double-quoted).
  const SEQ_ENTRY = /^\s*-( |$)/;
  const MAP_ENTRY = /^(\s*)('(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^'"\s][^:]*?):( |$)/;
  const isBlank = (l) => l.trim() === '' || l.trim().startsWith('#');
  const skipBlank = () => {
    while (i < lines.length && isBlank(lines[i])) i++;
  };

  function resolvePlain(s) {
    if (/^(null|Null|NULL|~|)$/.test(s)) return null;
    if (/^(true|True|TRUE|yes|Yes|YES|on|On|ON)$/.test(s)) return true;
    if (/^(false|False|FALSE|no|No|NO|off|Off|OFF)$/.test(s)) return false;
    if (/^[-+]?(0|[1-9][0-9_]*)$/.test(s)) return Number(s.replace(/_/g, ''));
    if (/^[-+]?(\.[0-9]+|[0-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/.test(s))
      return Number(s.replace(/_/g, ''));
    if (s === '[]') return [];
    if (s === '{}') return {};
    if (/^[[{]/.test(s)) throw new Error(`flow collection not supported: ${s}`);
    return s;
  }

  // Quoted scalar starting at column `col` of line i. Returns decoded string, advances i.
  function parseQuoted(col) {
    const q = lines[i][col];
    let line = i;
    let pos = col + 1;
    let out = '';
    let ws = '';
    const esc = {
      0: '\0',
      a: '\x07',
      b: '\b',
      t: '\t',
      '\t': '\t',
      n: '\n',
      v: '\v',
      f: '\f',
      r: '\r',
      e: '\x1b',
      ' ': ' ',
      '"': '"',
      '/': '/',
      '\\': '\\',
      N: '\x85',
      _: '\xa0',
      L: '\u2028',
      P: '\u2029',
    };
    // fold a raw line break: skip following empty lines, count them
    const fold = (escapedBreak) => {
      let breaks = 0;
      line++;
      while (line < lines.length && lines[line].trim() === '') {
        breaks++;
        line++;
      }
      if (line >= lines.length) throw new Error('unterminated quoted scalar');
      pos = indentOf(lines[line]);
      if (escapedBreak) out += '\n'.repeat(breaks);
      else out += breaks === 0 ? ' ' : '\n'.repeat(breaks);
    };
    for (;;) {
      const l = lines[line];
      if (pos >= l.length) {
        ws = '';
        fold(false);
        continue;
      }
      const c = l[pos];
      if (q === "'" && c === "'") {
        if (l[pos + 1] === "'") {
          out += ws + "'";
          ws = '';
          pos += 2;
          continue;
        }
        i = line;
        return { value: out + ws, endLine: line, endPos: pos + 1 };
      }
      if (q === '"' && c === '"') {
        i = line;
        return { value: out + ws, endLine: line, endPos: pos + 1 };
      }
      if (q === '"' && c === '\\') {
        const n = l[pos + 1];
        if (n === undefined) {
          out += ws;
          ws = '';
          fold(true);
          continue;
        }
        out += ws;
        ws = '';
        if (n === 'x') {
          out += String.fromCodePoint(parseInt(l.substr(pos + 2, 2), 16));
          pos += 4;
          continue;
        }
        if (n === 'u') {
          out += String.fromCharCode(parseInt(l.substr(pos + 2, 4), 16));
          pos += 6;
          continue;
        }
        if (n === 'U') {
          out += String.fromCodePoint(parseInt(l.substr(pos + 2, 8), 16));
          pos += 10;
          continue;
        }
        if (!(n in esc)) throw new Error(`bad escape \\${n}`);
        out += esc[n];
        pos += 2;
        continue;
      }
      if (c === ' ' || c === '\t') {
        ws += c;
        pos++;
        continue;
      }
      out += ws + c;
      ws = '';
      pos++;
    }
  }

  function parseBlockScalar(header, parentIndent) {
    const m = /^\|([+-]?)(\d?)([+-]?)\s*$/.exec(header);
    if (!m) throw new Error(`unsupported block scalar header ${header}`);
    const chomp = m[1] || m[3];
    i++;
    let blockIndent = m[2] ? parentIndent + Number(m[2]) : null;
    const body = [];
    while (i < lines.length) {
      const l = lines[i];
      if (l.trim() === '') {
        body.push('');
        i++;
        continue;
      }
      const ind = indentOf(l);
      if (blockIndent === null) blockIndent = ind;
      if (ind < blockIndent) break;
      body.push(l.slice(blockIndent));
      i++;
    }
    // trailing empty lines
    let end = body.length;
    while (end > 0 && body[end - 1] === '') end--;
    const content = body.slice(0, end);
    const trailing = body.length - end;
    // un-consume trailing blank lines so the outer parser is unaffected
    let s = content.length ? content.join('\n') + '\n' : '';
    if (chomp === '+') s += '\n'.repeat(trailing);
    else if (chomp === '-') s = s.replace(/\n$/, '');
    return s;
  }

  // Plain scalar that may continue on more-indented lines.
  function parsePlain(first, parentIndent) {
    let s = first.trim();
    i++;
    while (i < lines.length) {
      const l = lines[i];
      if (l.trim() === '') {
        // look ahead: blank lines inside a multi-line plain scalar
        let j = i;
        let n = 0;
        while (j < lines.length && lines[j].trim() === '') {
          j++;
          n++;
        }
        if (j < lines.length && indentOf(lines[j]) > parentIndent && !/^\s*- /.test(lines[j])) {
          s += '\n'.repeat(n) + lines[j].trim();
          i = j + 1;
          continue;
        }
        break;
      }
      if (indentOf(l) <= parentIndent) break;
      s += ' ' + l.trim();
      i++;
    }
    return resolvePlain(s);
  }

  // Scalar (block, quoted or plain) starting at column `col` of line i; parentIndent = indent of the key/dash.
  function parseScalar(col, parentIndent) {
    const l = lines[i];
    const rest = l.slice(col).trim();
    if (rest.startsWith('|')) return parseBlockScalar(rest, parentIndent);
    if (rest.startsWith('>')) throw new Error('folded block scalars not supported');
    if (rest.startsWith("'") || rest.startsWith('"')) {
      const startCol = l.indexOf(rest[0], col);
      const r = parseQuoted(startCol);
      if (lines[r.endLine].slice(r.endPos).trim() !== '')
        throw new Error(`junk after quoted scalar at line ${r.endLine + 1}`);
      i = r.endLine + 1;
      return r.value;
    }
    return parsePlain(rest, parentIndent);
  }

  // Value text after "key:" or "- " on line i (starting at column col); parentIndent = indent of the key/dash.
  function parseValue(col, parentIndent) {
    const rest = lines[i].slice(col).trim();
    if (rest !== '') return parseScalar(col, parentIndent);
    i++;
    skipBlank();
    if (i >= lines.length) return null;
    const next = lines[i];
    const ind = indentOf(next);
    const isSeqEntry = SEQ_ENTRY.test(next);
    if (ind === parentIndent && isSeqEntry) return parseNode(ind);
    if (ind <= parentIndent) return null;
    if (isSeqEntry || MAP_ENTRY.test(next)) return parseNode(ind);
    // A scalar that starts on the line after its key (emitters do this for long values, e.g.
    // `string:` followed by an indented "..." double-quoted body).
    return parseScalar(ind, parentIndent);
  }

  function parseNode(indent) {
    skipBlank();
    if (SEQ_ENTRY.test(lines[i])) {
      const arr = [];
      while (i < lines.length) {
        skipBlank();
        if (i >= lines.length) break;
        const cur = lines[i];
        if (indentOf(cur) !== indent || !SEQ_ENTRY.test(cur)) break;
        const after = cur.slice(indent + 1);
        if (after.trim() === '') {
          arr.push(parseValue(indent + 1, indent));
          continue;
        }
        // re-indent "- key: v" as a mapping at indent+2
        const inner = indent + 1 + (after.length - after.trimStart().length);
        lines[i] = ' '.repeat(inner) + after.trimStart();
        if (MAP_ENTRY.test(lines[i])) arr.push(parseNode(inner));
        else arr.push(parseValue(inner, indent));
      }
      return arr;
    }
    const obj = {};
    while (i < lines.length) {
      skipBlank();
      if (i >= lines.length) break;
      const cur = lines[i];
      if (indentOf(cur) !== indent) break;
      if (SEQ_ENTRY.test(cur)) break;
      const m = MAP_ENTRY.exec(cur);
      if (!m) throw new Error(`cannot parse line ${i + 1}: ${cur}`);
      let key = m[2];
      if (key.startsWith("'")) key = key.slice(1, -1).replace(/''/g, "'");
      else if (key.startsWith('"')) key = JSON.parse(key);
      obj[key] = parseValue(m[0].length, indent);
    }
    return obj;
  }

  return parseNode(0);
}

// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------
// Cases: each derived file is collected in `outputs` (file name -> text), then written or checked.
// ---------------------------------------------------------------------------
const outputs = new Map();
const emit = (file, text) => {
  if (outputs.has(file)) throw new Error(`${file} derived twice`);
  outputs.set(file, text);
};
const cassette = (f) => parseYaml(read(f));
const onlyInteraction = (c) => {
  if (c.interactions.length !== 1) throw new Error(`expected 1 interaction, found ${c.interactions.length}`);
  return c.interactions[0];
};
const responseBody = (inter) => {
  const b = inter.response.body;
  if (b && typeof b === 'object' && typeof b.string === 'string') return b.string;
  throw new Error('response has no body.string');
};
const parsedBodyJson = (body) => {
  if (body === undefined || body === null) throw new Error('no parsed_body');
  return `${JSON.stringify(body)}\n`;
};

// vLLM (system_fingerprint "vllm-0.24.0-…") behind api.inference.crusoecloud.com, recorded by pydantic-ai.
{
  const inter = onlyInteraction(cassette('vllm-chat-stream-usage.source.yaml'));
  emit('vllm-chat-stream-usage.sse', responseBody(inter));
  emit('vllm-chat-stream-usage.request.json', parsedBodyJson(inter.request.parsed_body));
}

// OpenAI 400 and Anthropic 400, recorded by pydantic-ai (bodies only exist as parsed_body).
for (const name of ['openai-error-answer', 'anthropic-error-answer']) {
  const inter = onlyInteraction(cassette(`${name}.source.yaml`));
  if (inter.response.status.code !== 400) throw new Error(`${name}: status ${inter.response.status.code}`);
  emit(`${name}.json`, parsedBodyJson(inter.response.parsed_body));
  emit(`${name}.request.json`, parsedBodyJson(inter.request.parsed_body));
}

// Cloudflare docs, Workers AI REST API get-started page: documented example answer.
{
  const src = read('workers-ai-answer.source.mdx');
  const marker = 'The API response will look like the following:';
  const at = src.indexOf(marker);
  if (at < 0 || src.indexOf(marker, at + 1) >= 0) throw new Error('response marker not found exactly once');
  const m = /```json\n([\s\S]*?\n)```/.exec(src.slice(at));
  if (!m) throw new Error('json block not found');
  emit('workers-ai-answer.json', m[1]);
  const d = /^\s*-d '([^']*)'$/m.exec(src.slice(0, at));
  if (!d) throw new Error('curl -d body not found');
  emit('workers-ai-answer.request.json', d[1]);
}

// ---------------------------------------------------------------------------
// Validation: every SSE `data:` payload except `[DONE]` and every .json file must parse.
// ---------------------------------------------------------------------------
// Data payloads of an SSE text: frames are separated by a blank line; several `data:` lines
// in one frame are joined with "\n"; one space after the colon is optional.
function sseDataPayloads(text) {
  const payloads = [];
  for (const frame of text.split(/\r?\n\r?\n/)) {
    const data = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) payloads.push(data.join('\n'));
  }
  return payloads;
}

function validationProblems(file, text) {
  const problems = [];
  if (file.endsWith('.json')) {
    try {
      JSON.parse(text);
    } catch (e) {
      problems.push(`${file}: not valid JSON (${e.message})`);
    }
  }
  if (file.endsWith('.sse')) {
    const payloads = sseDataPayloads(text);
    if (payloads.length === 0) problems.push(`${file}: no data frames`);
    payloads.forEach((payload, n) => {
      if (payload === '[DONE]') return;
      try {
        JSON.parse(payload);
      } catch (e) {
        problems.push(`${file}: data frame ${n + 1} is not valid JSON (${e.message})`);
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Write (or, with --check, compare) the derived files.
// ---------------------------------------------------------------------------
const problems = [];
const verbatimCopies = [];
for (const file of verbatimCopies) problems.push(...validationProblems(file, read(file)));

for (const [file, text] of outputs) {
  problems.push(...validationProblems(file, text));
  const path = join(here, file);
  const wanted = Buffer.from(text, 'utf8');
  const same = existsSync(path) && readFileSync(path).equals(wanted);
  if (checkOnly) {
    if (!same) problems.push(`${file}: differs from what convert.mjs derives (run node convert.mjs)`);
  } else if (same) {
    console.log(`unchanged ${file} (${wanted.length} bytes)`);
  } else {
    writeFileSync(path, wanted);
    console.log(`wrote ${file} (${wanted.length} bytes)`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
if (checkOnly) console.log(`ok: ${outputs.size} derived files up to date, sources match upstream, all frames parse`);
