// What each handler test leaves behind, cleared: the OpenTelemetry globals a provider
// registered, spies, and what the reporter has already said.
import { resetReporting } from '@edgetrace/core/internal';
import { context, propagation, trace } from '@opentelemetry/api';
import { vi } from 'vitest';

export function resetGlobals(): void {
  trace.disable();
  propagation.disable();
  context.disable();
  vi.restoreAllMocks();
  resetReporting();
}
