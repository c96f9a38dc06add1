// Choosing the adapter: from the request path first, then from the shape of the request body.
// Each adapter says what it recognises; the order here settles overlaps (`/chat/completions`
// before `/completions`, Ollama's `/api/generate` and Triton's `/v2/models/…/generate` before
// TGI's `/generate`).
import { anthropic } from './anthropic.js';
import { openaiEmbeddings, tei } from './embeddings.js';
import { ollamaChat, ollamaEmbed, ollamaGenerate } from './ollama.js';
import { openaiChat, openaiCompletions } from './openai.js';
import { openaiResponses } from './responses.js';
import { tgi } from './tgi.js';
import { triton } from './triton.js';
import type { JsonObject, ProtocolAdapter, ProtocolName } from './types.js';
import { workersAi } from './workers-ai.js';

/** Every adapter, in the order paths are tried. */
export const ADAPTERS: Readonly<Record<ProtocolName, ProtocolAdapter>> = {
  'openai.chat': openaiChat,
  'openai.responses': openaiResponses,
  'openai.completions': openaiCompletions,
  'openai.embeddings': openaiEmbeddings,
  anthropic,
  'ollama.chat': ollamaChat,
  'ollama.generate': ollamaGenerate,
  'ollama.embed': ollamaEmbed,
  triton,
  tgi,
  tei,
  'workers-ai': workersAi,
};
const ORDER = Object.values(ADAPTERS);

/** Bodies are tried in this order: a chat's `messages` say the most. */
const BY_BODY = [openaiChat, triton, tgi, openaiCompletions];

export function detectProtocol(url: URL, body: JsonObject | undefined): ProtocolAdapter | undefined {
  const path = url.pathname.replace(/\/+$/, '');
  for (const adapter of ORDER) if (adapter.matchPath(path, url)) return adapter;
  if (body === undefined) return undefined;
  return BY_BODY.find((adapter) => adapter.matchBody?.(body) === true);
}
