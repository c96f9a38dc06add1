// Flushing on the way out of a long-running server (Node, Bun, Deno): a batch processor holds
// spans for up to its delay (5 s by default), so a process stopped by SIGTERM — a deploy, a
// container stop — would lose them. On SIGTERM or SIGINT the provider is shut down (its spans
// exported) within a deadline, then the signal is raised again if nothing else listens for it,
// so the process still ends as it would have; `beforeExit` flushes when the event loop empties.
// Workers need none of this: their exports ride on `waitUntil`.

import { report } from '../config/report.js';
import type { EdgeTracerProvider } from '../trace/provider.js';

export interface FlushOnExitOptions {
  /** The signals to flush on (the first call's options hold for the process). @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly string[];
  /** The longest wait for the export before the process goes on ending. @default 5000 */
  timeoutMs?: number;
}

interface SignalProcess {
  pid: number;
  on(event: string, listener: (signal: string) => void): unknown;
  off(event: string, listener: (signal: string) => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): unknown;
}

function signalProcess(): SignalProcess | undefined {
  const proc = (globalThis as { process?: Partial<SignalProcess> }).process;
  const usable =
    typeof proc?.on === 'function' &&
    typeof proc.off === 'function' &&
    typeof proc.listenerCount === 'function' &&
    typeof proc.kill === 'function' &&
    typeof proc.pid === 'number';
  return usable ? (proc as SignalProcess) : undefined;
}

// One listener per signal for the whole process, whatever the number of providers: the
// providers to flush are held weakly, so one that is dropped is not kept alive for its signal.
const providers = new Set<WeakRef<EdgeTracerProvider>>();
let listening: SignalProcess | undefined;
let options: Required<FlushOnExitOptions> = { signals: ['SIGTERM', 'SIGINT'], timeoutMs: 5000 };

function live(): EdgeTracerProvider[] {
  const found: EdgeTracerProvider[] = [];
  for (const ref of providers) {
    const provider = ref.deref();
    if (provider === undefined) providers.delete(ref);
    else found.push(provider);
  }
  return found;
}

function stopListening(): void {
  if (listening === undefined) return;
  for (const signal of options.signals) listening.off(signal, onSignal);
  listening.off('beforeExit', onBeforeExit);
  listening = undefined;
}

function onSignal(signal: string): void {
  const proc = listening;
  stopListening();
  const deadline = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.timeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  const shutdowns = Promise.all(live().map((provider) => provider.shutdown()));
  void Promise.race([shutdowns, deadline]).then(() => {
    // Someone else handles this signal (a server's graceful shutdown): let them end the process.
    if (proc !== undefined && proc.listenerCount(signal) === 0) proc.kill(proc.pid, signal);
  });
}

function onBeforeExit(): void {
  for (const provider of live()) void provider.forceFlush();
}

/**
 * Exports what `provider` still holds when the process is told to stop (see the header).
 * Returns a function that stops flushing this provider. Does nothing where there is no process.
 */
export function flushOnExit(provider: EdgeTracerProvider, given: FlushOnExitOptions = {}): () => void {
  const proc = signalProcess();
  if (proc === undefined) return () => {};
  const ref = new WeakRef(provider);
  providers.add(ref);
  if (listening === undefined) {
    options = { signals: given.signals ?? ['SIGTERM', 'SIGINT'], timeoutMs: given.timeoutMs ?? 5000 };
    try {
      for (const signal of options.signals) proc.on(signal, onSignal);
      proc.on('beforeExit', onBeforeExit);
      listening = proc;
    } catch (error) {
      report(
        'warn',
        'could not listen for process signals; call provider.shutdown() before the process exits',
        error,
      );
    }
  }
  return () => {
    providers.delete(ref);
    if (providers.size === 0) stopListening();
  };
}
