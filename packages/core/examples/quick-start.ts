import { createMemoryExporter, createTracerProvider } from '@edgetrace/core';
import { trace } from '@opentelemetry/api';

const exporter = createMemoryExporter();
const provider = createTracerProvider({ serviceName: 'checkout', exporter });
provider.register();

await trace.getTracer('app').startActiveSpan('charge', async (span) => {
  span.setAttribute('order.id', 'o-42');
  span.end();
});
await provider.forceFlush();
console.log(exporter.getFinishedSpans().map((s) => s.name)); // [ 'charge' ]
