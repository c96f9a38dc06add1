// Reproducible conversion of the recorded sources in this folder into wire-form files.
// Node ESM, no dependencies. Run from anywhere:
//   node convert.mjs           regenerate the derived files (only changed files are rewritten)
//   node convert.mjs --check   regenerate in memory only; exit 1 if any derived file differs
//
// Sources (kept byte for byte as *.source.*, see SOURCES.md):
//  - VCR cassettes (YAML written by vcrpy / PyYAML). A response body stored as
//    `body: {string: ...}` is the decoded HTTP body text exactly as recorded; it is
//    written out unchanged. A body stored as `parsed_body` (pydantic-ai's serializer
//    does this for application/json) is a parsed object; it is re-serialized with
//    JSON.stringify (compact, key order as in the cassette).
//  - openai-python test file: the inline snapshot string (a Python string literal)
//    is decoded and written out unchanged.
// Nothing is edited: no value is added, dropped or changed.
//
// Both modes first check that every source (and the two verbatim .sse copies) still has
// the git blob hash of the upstream file named in SOURCES.md, so a reformatted source is
// caught instead of silently converted. Both modes also check that every `data:` payload
// of each .sse file (other than `[DONE]`) and every .json file parses as JSON.
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

// Git blob hashes of the upstream files (repository, commit and path per case in SOURCES.md).
const SOURCE_BLOBS = {
  // pydantic/pydantic-ai 4fda3898…, tests/models/cassettes/test_openai/test_run_stream_sync_streams_real_model.yaml
  'openai-chat-stream-usage.source.yaml': '8d1edf58cdb4e67e62b4a9264b64a73d2bd95695',
  'openai-chat-stream-tool-calls.source.yaml': '8d1edf58cdb4e67e62b4a9264b64a73d2bd95695',
  // pydantic/pydantic-ai 4fda3898…, …/test_openai_instructions_with_responses_logprobs_streaming.yaml
  'openai-responses-stream.source.yaml': '3790b7e5f22f19510176244dff9b95a585330ab2',
  // vercel/ai ea5c4559…, packages/openai/src/responses/__fixtures__/openai-issue-11239.1.chunks.txt
  'openai-responses-stream-tool-call.source.chunks.txt': '780f13cfa6f47ad94cf0ca584448518a634b7c66',
  // vercel/ai ef413b7e…, …/__fixtures__/openai-reasoning-encrypted-content-gpt-5-4-split.1.chunks.txt
  'openai-responses-stream-reasoning.source.chunks.txt': '3a0f77496316cec88f744cb20e8f54f191c0c000',
  // pydantic/pydantic-ai 4fda3898…, tests/cassettes/test_embeddings/TestOpenAI.test_instrumentation.yaml
  'openai-embeddings-answer.source.yaml': '2271ff2a3a4ac46dbdc715ae70deba9ee1f82d28',
  // openai/openai-python e43b4224…, tests/lib/responses/test_responses.py
  'openai-responses-answer.source.py': 'c970c53a774e889e3d5ed9054b67883366127fe4',
  // openai/openai-python e43b4224…, .inline-snapshot/external/a491adda….bin and 173417d5….bin (verbatim copies)
  'openai-chat-stream-n3.sse': '160e65de49c61fb2130a5c948648a31a13cbe3c1',
  'openai-chat-refusal.sse': '49c6dce93ff0a1fddc411cd03f4ac7cc547ab2d8',
  // huggingface/huggingface_hub a0992733…, tests/cassettes/TestInferenceClient.test_chat_completion_with_stream[hf-inference,conversational].yaml
  'tgi-chat-stream.source.yaml': 'eb7e21328d8395cd7c775ef6da25cbf24a667c82',
  // huggingface/huggingface_hub 2b8c1c51…, tests/cassettes/InferenceClientVCRTest.test_chat_completion_with_stream.yaml
  'tgi-chat-stream-1.4.source.yaml': '2e6500ed46eeaba7fcb147b41a2dab7f7befc690',
};

requireUnalteredSources(here, SOURCE_BLOBS);

// ---------------------------------------------------------------------------
// Cases: each derived file is collected in `outputs` (file name -> text), then written or checked.
// ---------------------------------------------------------------------------
const { outputs, emit } = createOutputs();
const cassette = (f) => parseYaml(read(f));

// The one POST to /v1/chat/completions in a huggingface_hub cassette (the others are model-info GETs).
function chatCompletionsPost(c) {
  const posts = c.interactions.filter(
    (x) => x.request.method === 'POST' && /\/v1\/chat\/completions$/.test(x.request.uri),
  );
  if (posts.length !== 1) throw new Error(`expected 1 chat completions POST, found ${posts.length}`);
  if (typeof posts[0].request.body !== 'string') throw new Error('request body is not a string');
  return posts[0];
}

// pydantic/pydantic-ai streams: [case, interaction]. The chat cassette has 2 interactions
// (tool-call stream, then text stream after the tool result); both cases copy that cassette.
const PYDANTIC_STREAMS = [
  ['openai-chat-stream-tool-calls', 0],
  ['openai-chat-stream-usage', 1],
  ['openai-responses-stream', 0],
];
for (const [name, index] of PYDANTIC_STREAMS) {
  const inter = cassette(`${name}.source.yaml`).interactions[index];
  emit(`${name}.sse`, responseBody(inter));
  emit(`${name}.request.json`, parsedBodyJson(inter.request.parsed_body));
}
{
  const inter = cassette('openai-embeddings-answer.source.yaml').interactions[0];
  emit('openai-embeddings-answer.json', parsedBodyJson(inter.response.parsed_body));
  emit('openai-embeddings-answer.request.json', parsedBodyJson(inter.request.parsed_body));
}

// vercel/ai's raw chunks of a Responses stream: one event's data per line, as its SDK parsed and
// re-serialized it (key order kept), no SSE envelope. The API names each event after its `type`.
for (const name of ['openai-responses-stream-tool-call', 'openai-responses-stream-reasoning']) {
  const lines = read(`${name}.source.chunks.txt`)
    .split('\n')
    .filter((l) => l.trim() !== '');
  emit(`${name}.sse`, lines.map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join(''));
}

// huggingface/huggingface_hub cassettes (vcrpy default serializer): request body is the exact
// JSON text the client sent (no trailing newline); response body.string is the SSE text as received.
for (const name of ['tgi-chat-stream', 'tgi-chat-stream-1.4']) {
  const inter = chatCompletionsPost(cassette(`${name}.source.yaml`));
  emit(`${name}.sse`, responseBody(inter));
  emit(`${name}.request.json`, inter.request.body);
}

// openai/openai-python tests/lib/responses/test_responses.py, test_output_text:
// content_snapshot=snapshot('<json>') where <json> is json.dumps(json.loads(live body)).
{
  const src = read('openai-responses-answer.source.py');
  const start = src.indexOf('def test_output_text(');
  if (start < 0) throw new Error('test_output_text not found');
  const m = /content_snapshot=snapshot\(\s*'((?:[^'\\]|\\.)*)'\s*\)/.exec(src.slice(start));
  if (!m) throw new Error('snapshot literal not found');
  const pyEsc = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r' };
  const body = m[1].replace(/\\(.)/g, (all, ch) => {
    if (!(ch in pyEsc)) throw new Error(`unhandled python escape ${all}`);
    return pyEsc[ch];
  });
  emit('openai-responses-answer.json', body);
}

// ---------------------------------------------------------------------------
// Write (or, with --check, compare) the derived files. The two verbatim .sse copies are
// only validated (their blob hashes were checked above).
// ---------------------------------------------------------------------------
writeOrCheckOutputs(here, outputs, {
  checkOnly,
  verbatimCopies: ['openai-chat-stream-n3.sse', 'openai-chat-refusal.sse'],
});
