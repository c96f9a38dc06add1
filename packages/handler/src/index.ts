// @edgetrace/handler: SERVER spans for any fetch handler and a Worker's other events (cron,
// queue), and queue producers whose messages carry the trace to their consumer.
export type { FetchHandler, InstrumentHandlerOptions } from './instrument-handler.js';
export { instrumentHandler } from './instrument-handler.js';
export type { InstrumentQueueOptions, QueueProducer } from './instrument-queue.js';
export { instrumentQueue } from './instrument-queue.js';
export type {
  InstrumentWorkerOptions,
  QueueBatch,
  QueueMessage,
  ScheduledEvent,
} from './instrument-worker.js';
export { instrumentWorker } from './instrument-worker.js';
export { TRACE_CONTEXT_KEY } from './queue-context.js';
export type { ExporterOption, ProviderOptions, ServerOptions } from './server/options.js';
export { clientAddressOf } from './server/request-attributes.js';
