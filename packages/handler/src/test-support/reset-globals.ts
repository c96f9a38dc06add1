// What each handler test leaves behind, cleared: the OpenTelemetry globals a provider
// registered, spies, what the reporter has already said, and the isolate's cold start.
import { resetReporting } from '@edgetrace/core/internal';
import { context, propagation, trace } from '@opentelemetry/api';
import { vi } from 'vitest';
import { resetColdStart } from '../server/server-tracing.js';

export function resetGlobals(): void {
  trace.disable();
  propagation.disable();
  context.disable();
  vi.restoreAllMocks();
  resetReporting();
  resetColdStart();
}
