// Choosing the adapter: from the request path first, then from the shape of the request body.
import { anthropic } from './anthropic.js';
import { openaiChat, openaiCompletions } from './openai.js';
import { tgi } from './tgi.js';
import { triton, tritonModel } from './triton.js';
import type { JsonObject, ProtocolAdapter, ProtocolName } from './types.js';
import { workersAi } from './workers-ai.js';

export const ADAPTERS: Readonly<Record<ProtocolName, ProtocolAdapter>> = {
  'openai.chat': openaiChat,
  'openai.completions': openaiCompletions,
  tgi,
  triton,
  anthropic,
  'workers-ai': workersAi,
};

export function detectProtocol(url: URL, body: JsonObject | undefined): ProtocolAdapter | undefined {
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) return openaiChat;
  if (path.endsWith('/completions')) return openaiCompletions;
  if (path.endsWith('/messages')) return anthropic;
  if (tritonModel(url) !== undefined) return triton;
  if (path.endsWith('/generate_stream') || path.endsWith('/generate')) return tgi;
  if (path.includes('/ai/run/')) return workersAi;
  if (body === undefined) return undefined;
  if (Array.isArray(body.messages)) return openaiChat;
  if (typeof body.text_input === 'string') return triton;
  if (typeof body.inputs === 'string') return tgi;
  if (body.prompt !== undefined) return openaiCompletions;
  return undefined;
}
