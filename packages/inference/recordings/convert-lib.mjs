// Shared code for the convert.mjs scripts in the folders next to this file
// (openai-family/, native/, more/). Each script keeps its own case table (which source
// becomes which derived file) and imports from here only what is the same everywhere:
//  - finding and reading the script's own folder, and the `--check` argument;
//  - the git blob check that proves every `*.source.*` copy is still byte for byte upstream;
//  - a minimal reader for the YAML that vcrpy / PyYAML write in VCR cassettes, and
//    helpers that take bodies out of a parsed cassette interaction;
//  - collecting derived files, checking that they parse (SSE `data:` payloads, .json files),
//    and writing them or, with --check, comparing them with what is on disk.
// Node ESM, no dependencies. It derives nothing by itself.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// The script's folder and arguments
// ---------------------------------------------------------------------------

// Each script reads and writes next to itself, so it works from any current directory.
export function scriptFolder(moduleUrl) {
  return dirname(fileURLToPath(moduleUrl));
}

// Sources are read as UTF-8 text by file name; one reader per folder saves repeating join().
export function textReader(folder) {
  return (file) => readFileSync(join(folder, file), 'utf8');
}

// Only `--check` is accepted, so a mistyped flag stops the run instead of rewriting files.
export function checkOnlyFromArgs(args) {
  const unknownArgs = args.filter((a) => a !== '--check');
  if (unknownArgs.length > 0) {
    console.error(`unknown argument(s): ${unknownArgs.join(' ')}\nusage: node convert.mjs [--check]`);
    process.exit(2);
  }
  return args.includes('--check');
}

// ---------------------------------------------------------------------------
// Sources must still be byte-identical to upstream
// ---------------------------------------------------------------------------

// The git blob hash names one exact upstream file version, so it proves a copy is unchanged.
export function gitBlobSha1(bytes) {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

// One line per source that is missing or whose blob hash is not the recorded one.
function alteredSources(folder, sourceBlobs) {
  const altered = [];
  for (const [file, expected] of Object.entries(sourceBlobs)) {
    const path = join(folder, file);
    if (!existsSync(path)) {
      altered.push(`${file}: missing`);
      continue;
    }
    const actual = gitBlobSha1(readFileSync(path));
    if (actual !== expected) altered.push(`${file}: git blob ${actual}, expected ${expected}`);
  }
  return altered;
}

// A reformatted or missing source must stop the run before anything is derived from it.
export function requireUnalteredSources(folder, sourceBlobs) {
  const altered = alteredSources(folder, sourceBlobs);
  if (altered.length === 0) return;
  console.error('Source files are missing or no longer byte-identical to upstream (see SOURCES.md):');
  for (const line of altered) console.error(`  ${line}`);
  console.error('Re-fetch them byte for byte from the repository/commit/path in SOURCES.md. Nothing was written.');
  process.exit(1);
}

// ---------------------------------------------------------------------------
// Minimal YAML reader for the block-style subset PyYAML emits in cassettes:
// block mappings, block sequences (also at the parent key's indent), plain,
// single-quoted, double-quoted (multi-line, folded) and literal block scalars.
// ---------------------------------------------------------------------------

// "- item" / "-" and "key: value" / "key:" lines (keys plain, single- or double-quoted).
const SEQ_ENTRY = /^\s*-( |$)/;
const MAP_ENTRY = /^(\s*)('(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^'"\s][^:]*?):( |$)/;

// One-character escapes of double-quoted YAML scalars.
const YAML_ESCAPES = {
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

const indentOf = (l) => l.length - l.trimStart().length;
const isBlankOrComment = (l) => l.trim() === '' || l.trim().startsWith('#');

// YAML 1.1 plain-scalar resolution (null, booleans, numbers, empty flow collections, strings).
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

// The escape `\<n>…` at `pos` of line `l` (n is not end of line): decoded text and its width.
function decodeEscape(l, pos) {
  const n = l[pos + 1];
  if (n === 'x') return { text: String.fromCodePoint(parseInt(l.substr(pos + 2, 2), 16)), width: 4 };
  if (n === 'u') return { text: String.fromCharCode(parseInt(l.substr(pos + 2, 4), 16)), width: 6 };
  if (n === 'U') return { text: String.fromCodePoint(parseInt(l.substr(pos + 2, 8), 16)), width: 10 };
  if (!(n in YAML_ESCAPES)) throw new Error(`bad escape \\${n}`);
  return { text: YAML_ESCAPES[n], width: 2 };
}

// Literal block body lines (indent removed) as text, with the header's chomping indicator applied.
function chompBlock(body, chomp) {
  let end = body.length;
  while (end > 0 && body[end - 1] === '') end--;
  const content = body.slice(0, end);
  const trailing = body.length - end;
  let s = content.length ? content.join('\n') + '\n' : '';
  if (chomp === '+') s += '\n'.repeat(trailing);
  else if (chomp === '-') s = s.replace(/\n$/, '');
  return s;
}

// Mapping key as written (plain, 'single-quoted' or "double-quoted") to its string.
function decodeKey(raw) {
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw.startsWith('"')) return JSON.parse(raw);
  return raw;
}

// Cassettes are YAML, and a full YAML library would be a dependency; this reads the subset vcrpy writes.
export function parseYaml(text) {
  let lines = text.replace(/\r\n/g, '\n').split('\n');
  const docEnd = lines.indexOf('...'); // document end marker
  if (docEnd >= 0) lines = lines.slice(0, docEnd);
  let i = 0;
  const skipBlank = () => {
    while (i < lines.length && isBlankOrComment(lines[i])) i++;
  };

  // Quoted scalar starting at column `col` of line i. Returns decoded string, advances i.
  function parseQuoted(col) {
    const q = lines[i][col];
    let line = i;
    let pos = col + 1;
    let out = '';
    let ws = '';
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
        out += ws;
        ws = '';
        if (l[pos + 1] === undefined) {
          fold(true);
          continue;
        }
        const escape = decodeEscape(l, pos);
        out += escape.text;
        pos += escape.width;
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
    return chompBlock(body, chomp);
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

  // Block sequence whose "- " entries are at column `indent`.
  function parseSequence(indent) {
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

  // Block mapping whose keys are at column `indent`.
  function parseMapping(indent) {
    const obj = {};
    while (i < lines.length) {
      skipBlank();
      if (i >= lines.length) break;
      const cur = lines[i];
      if (indentOf(cur) !== indent) break;
      if (SEQ_ENTRY.test(cur)) break;
      const m = MAP_ENTRY.exec(cur);
      if (!m) throw new Error(`cannot parse line ${i + 1}: ${cur}`);
      obj[decodeKey(m[2])] = parseValue(m[0].length, indent);
    }
    return obj;
  }

  function parseNode(indent) {
    skipBlank();
    if (SEQ_ENTRY.test(lines[i])) return parseSequence(indent);
    return parseMapping(indent);
  }

  return parseNode(0);
}

// ---------------------------------------------------------------------------
// Bodies out of a parsed cassette interaction
// ---------------------------------------------------------------------------

// `body.string` is the HTTP body text exactly as recorded, so it is written out unchanged.
export function responseBody(inter) {
  const b = inter.response.body;
  if (b && typeof b === 'object' && typeof b.string === 'string') return b.string;
  throw new Error('response has no body.string');
}

// pydantic-ai stores JSON bodies only as `parsed_body`, so they can only be re-serialized (compact).
export function parsedBodyJson(body) {
  if (body === undefined || body === null) throw new Error('no parsed_body');
  return `${JSON.stringify(body)}\n`;
}

// ---------------------------------------------------------------------------
// Derived files: collect, validate, then write or compare
// ---------------------------------------------------------------------------

// Collecting every derived file first lets one pass validate and write them, and catches a file derived twice.
export function createOutputs() {
  const outputs = new Map();
  const emit = (file, text) => {
    if (outputs.has(file)) throw new Error(`${file} derived twice`);
    outputs.set(file, text);
  };
  return { outputs, emit };
}

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

// Problem message when `text` (named `what` in the message) does not parse as JSON, else null.
function jsonProblem(text, what) {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return `${what} (${e.message})`;
  }
}

// A transcript that does not parse would break the tests that replay it, so each file is checked.
export function validationProblems(file, text) {
  const problems = [];
  if (file.endsWith('.json')) {
    const problem = jsonProblem(text, `${file}: not valid JSON`);
    if (problem) problems.push(problem);
  }
  if (file.endsWith('.sse')) {
    const payloads = sseDataPayloads(text);
    if (payloads.length === 0) problems.push(`${file}: no data frames`);
    payloads.forEach((payload, n) => {
      if (payload === '[DONE]') return;
      const problem = jsonProblem(payload, `${file}: data frame ${n + 1} is not valid JSON`);
      if (problem) problems.push(problem);
    });
  }
  return problems;
}

// Writes only changed files (or, with checkOnly, only compares) and exits 1 on any problem, so
// `--check` fails on a stale or unparsable transcript. verbatimCopies are validated, not derived;
// sourcesChecked says whether the folder checked its sources' git blobs first (its message says so).
export function writeOrCheckOutputs(folder, outputs, { checkOnly, verbatimCopies = [], sourcesChecked = true }) {
  const problems = [];
  for (const file of verbatimCopies) {
    problems.push(...validationProblems(file, readFileSync(join(folder, file), 'utf8')));
  }

  for (const [file, text] of outputs) {
    problems.push(...validationProblems(file, text));
    const path = join(folder, file);
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
  if (checkOnly) {
    const sources = sourcesChecked ? ', sources match upstream' : '';
    console.log(`ok: ${outputs.size} derived files up to date${sources}, all frames parse`);
  }
}
