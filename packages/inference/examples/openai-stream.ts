import { createMemoryExporter, createTracerProvider } from '@edgetrace/core';
import { instrumentInference } from '@edgetrace/inference';
import OpenAI from 'openai';

const exporter = createMemoryExporter();
const provider = createTracerProvider({ serviceName: 'edge-api', exporter });
provider.register();

const baseURL = `${process.env.INFERENCE_URL ?? 'http://127.0.0.1:8000'}/v1`; // the mock GPU server by default
const openai = new OpenAI({ baseURL, apiKey: 'unused-locally', fetch: instrumentInference(fetch) });
const stream = await openai.chat.completions.create({
  model: 'llama',
  messages: [{ role: 'user', content: 'Say hi' }],
  max_tokens: 4,
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
await provider.forceFlush();
console.log(exporter.getFinishedSpans()[0]?.attributes['gen_ai.usage.output_tokens']); // 4
