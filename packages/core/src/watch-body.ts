// Watching a body stream as it passes through: every chunk is forwarded the moment it is read,
// and the watcher hears about the first chunk, each chunk, and the end — exactly once, whether
// the stream completes, errors or is cancelled by its consumer (a client disconnecting).
// A pull-based ReadableStream is used rather than a TransformStream so that a cancel reaches us
// in every runtime (workerd runs `Transformer.cancel` but never `flush` on a disconnect).
import { diag } from '@opentelemetry/api';

/** How a watched body ended. */
export type BodyOutcome =
  | { readonly kind: 'complete' }
  | { readonly kind: 'cancelled'; readonly reason: unknown }
  | { readonly kind: 'error'; readonly error: unknown };

export interface BodyWatcher<T> {
  /** Called with each chunk before it is passed on. Must not throw (a throw is logged and ignored). */
  onChunk?(chunk: T, index: number): void;
  /** Called once, when the body completes, errors or is cancelled. */
  onEnd(outcome: BodyOutcome): void;
}

function safely(what: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    diag.error(`edgetrace: a body watcher's ${what} threw; ignored`, error);
  }
}

/**
 * Returns a stream that yields `body`'s chunks unchanged and tells `watcher` about them.
 * Nothing is buffered: a chunk is read from `body` only when the consumer asks for one.
 */
export function watchBody<T>(body: ReadableStream<T>, watcher: BodyWatcher<T>): ReadableStream<T> {
  const reader = body.getReader();
  let ended = false;
  let index = 0;
  const end = (outcome: BodyOutcome): void => {
    if (ended) return;
    ended = true;
    safely('onEnd', () => watcher.onEnd(outcome));
  };
  return new ReadableStream<T>(
    {
      async pull(controller): Promise<void> {
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
        if (watcher.onChunk !== undefined) {
          const at = index;
          safely('onChunk', () => watcher.onChunk?.(chunk, at));
        }
        index++;
        controller.enqueue(chunk);
      },
      cancel(reason): Promise<void> {
        end({ kind: 'cancelled', reason });
        return reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
