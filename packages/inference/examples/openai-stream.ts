import { createMemoryExporter, createTracerProvider } from '@edgetrace/core';
import { instrumentInference } from '@edgetrace/inference';
import OpenAI from 'openai';

const exporter = createMemoryExporter();
const provider = createTracerProvider({ serviceName: 'edge-api', exporter });
provider.register();

const openai = new OpenAI({ baseURL: process.env.INFERENCE_URL, fetch: instrumentInference(fetch) });
const stream = await openai.chat.completions.create({ model: 'llama', stream: true, messages: [] });
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
await provider.forceFlush();
console.log(exporter.getFinishedSpans()[0]?.attributes['gen_ai.usage.output_tokens']); // 4
