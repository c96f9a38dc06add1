// Watching a body stream as it passes through: every chunk is forwarded the moment it is read,
// and the watcher hears about the first chunk, each chunk, and the end — exactly once, whether
// the stream completes, errors or is cancelled by its consumer (a client disconnecting).
// A pull-based ReadableStream is used rather than a TransformStream so that a cancel reaches us
// in every runtime (workerd runs `Transformer.cancel` but never `flush` on a disconnect).
import { guarded, report } from '../config/report.js';

/** How a watched body ended. */
export type BodyOutcome =
  | { readonly kind: 'complete' }
  | { readonly kind: 'cancelled'; readonly reason: unknown }
  | { readonly kind: 'error'; readonly error: unknown };

export interface BodyWatcher<T> {
  /** Called once, when the consumer first asks for a chunk: the body is being read. */
  onPull?(): void;
  /** Called with each chunk before it is passed on. Must not throw (a throw is logged and ignored). */
  onChunk?(chunk: T, index: number): void;
  /** Called once, when the body completes, errors or is cancelled. */
  onEnd(outcome: BodyOutcome): void;
}

function safely(what: string, call: () => void): void {
  guarded(`a body watcher's ${what} threw; ignored`, call, undefined);
}

// The watchers of a stream this module made, kept on the stream itself (no module state), so
// that a second observer — the server span over a proxied inference stream — joins the first
// instead of wrapping the stream again: each JS stream layer costs per chunk in workerd.
const WATCHERS = Symbol.for('edgetrace.bodyWatchers');

interface Watched {
  [WATCHERS]?: BodyWatcher<unknown>[];
}

/**
 * Adds `watcher` to a stream `watchBody` returned, if it is one and has not ended or been read
 * from; returns whether it did. The added watcher's chunk indexes start where it joined.
 */
export function addBodyWatcher<T>(stream: ReadableStream<T>, watcher: BodyWatcher<T>): boolean {
  const watchers = (stream as Watched)[WATCHERS];
  if (watchers === undefined) return false;
  watchers.push(watcher as BodyWatcher<unknown>);
  return true;
}

/**
 * Returns a stream that yields `body`'s chunks unchanged and tells `watcher` about them.
 * Nothing is buffered: a chunk is read from `body` only when the consumer asks for one.
 */
export function watchBody<T>(body: ReadableStream<T>, watcher: BodyWatcher<T>): ReadableStream<T> {
  const reader = body.getReader();
  const watchers: BodyWatcher<T>[] = [watcher];
  let index = 0;
  let pulled = false;
  const end = (outcome: BodyOutcome): void => {
    if (watchers.length === 0) return;
    const ending = watchers.splice(0);
    for (const w of ending) safely('onEnd', () => w.onEnd(outcome));
  };
  const stream = new ReadableStream<T>(
    {
      async pull(controller): Promise<void> {
        if (!pulled) {
          pulled = true;
          for (const w of watchers) safely('onPull', () => w.onPull?.());
        }
        let result: ReadableStreamReadResult<T>;
        try {
          result = await reader.read();
        } catch (error) {
          end({ kind: 'error', error });
          controller.error(error);
          return;
        }
        if (result.done) {
          end({ kind: 'complete' });
          controller.close();
          return;
        }
        const chunk = result.value;
        const at = index++;
        // Per chunk: no closure, just a guarded call.
        for (const w of watchers) {
          try {
            w.onChunk?.(chunk, at);
          } catch (error) {
            report('error', "edgetrace: a body watcher's onChunk threw; ignored", error);
          }
        }
        controller.enqueue(chunk);
      },
      cancel(reason): Promise<void> {
        end({ kind: 'cancelled', reason });
        return reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
  // Joining is only offered before the first chunk, so every watcher sees the whole body.
  Object.defineProperty(stream, WATCHERS, {
    configurable: true,
    get: () => (index === 0 && watchers.length > 0 ? watchers : undefined),
  });
  return stream;
}
