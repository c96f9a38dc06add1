import { createMemoryExporter, createTracerProvider } from '@edgetrace/core';
import { instrumentFetch } from '@edgetrace/fetch';

const exporter = createMemoryExporter();
const provider = createTracerProvider({ serviceName: 'edge-api', exporter });
provider.register();

// Trace headers go to private hosts by default; name the public origins you own.
const tracedFetch = instrumentFetch(fetch, { propagateTo: ['https://gpu.example.com'] });
const response = await tracedFetch(`${process.env.INFERENCE_URL ?? 'http://127.0.0.1:8000'}/v1/models`);
await response.text(); // the CLIENT span ends with the body, not with the headers
await provider.forceFlush();
console.log(exporter.getFinishedSpans().map((s) => s.attributes['http.response.status_code'])); // [ 200 ]
