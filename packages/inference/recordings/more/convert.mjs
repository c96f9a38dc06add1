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
//
// The YAML reader, the source check and the write/check loop are shared with the other
// folders and live in ../convert-lib.mjs; this file holds only this folder's cases.

import {
  checkOnlyFromArgs,
  createOutputs,
  parsedBodyJson,
  parseYaml,
  requireUnalteredSources,
  responseBody,
  scriptFolder,
  textReader,
  writeOrCheckOutputs,
} from '../convert-lib.mjs';

const checkOnly = checkOnlyFromArgs(process.argv.slice(2));
const here = scriptFolder(import.meta.url);
const read = textReader(here);

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

requireUnalteredSources(here, SOURCE_BLOBS);

// ---------------------------------------------------------------------------
// Cases: each derived file is collected in `outputs` (file name -> text), then written or checked.
// ---------------------------------------------------------------------------
const { outputs, emit } = createOutputs();
const cassette = (f) => parseYaml(read(f));

// These cassettes hold one interaction each; anything else means the wrong file was copied.
function onlyInteraction(c) {
  if (c.interactions.length !== 1) throw new Error(`expected 1 interaction, found ${c.interactions.length}`);
  return c.interactions[0];
}

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
// Write (or, with --check, compare) the derived files.
// ---------------------------------------------------------------------------
writeOrCheckOutputs(here, outputs, { checkOnly });
