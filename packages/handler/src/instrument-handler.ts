// instrumentHandler: any standard fetch handler `(request, env?, ctx?) => Response` — a Worker's
// `fetch`, `Deno.serve`, `Bun.serve`, a Vercel Edge or Next.js route handler — gets the SERVER
// span hono's `tracing()` gives: the caller's trace continued, the span active inside the
// handler, ended when the response (or its streamed body) does, exported in `waitUntil` where
// the runtime has one and by a batch elsewhere.
import { ConfigError } from '@edgetrace/core';
import { type OptionTable, optionNames } from '@edgetrace/core/internal';
import { compileSkip, prepareServer, type ServerOptions, type SkipOption } from './server/options.js';
import { ServerTracing, type WaitUntil, waitUntilOf } from './server/server-tracing.js';

export interface InstrumentHandlerOptions extends ServerOptions {
  /**
   * The route template that answered `request` (`/users/:id`): names the span `GET /users/:id`
   * and is recorded as `http.route`. Called once the handler has answered; a throw is reported
   * once and the span keeps its method-only name. @default no route (the span is named by method)
   */
  route?: (request: Request) => string | undefined;
  /** Requests not traced: exact paths, RegExps tested on the path, or a function of the request. @default [] */
  skip?: SkipOption<Request>;
}

/** instrumentHandler's own options, beside the shared server options. */
export const HANDLER_OPTIONS: OptionTable<Omit<InstrumentHandlerOptions, keyof ServerOptions>> = {
  route: true,
  skip: true,
};

/** A standard fetch handler: the request, then whatever the runtime passes (env and ctx on Workers). */
export type FetchHandler<R extends Request = Request, A extends unknown[] = unknown[]> = (
  request: R,
  ...rest: A
) => Response | Promise<Response>;

/**
 * The handler's `waitUntil`: the Worker's `ctx` (third argument) or, for Vercel Edge and Next.js
 * middleware, the second; `undefined` on servers (Node, Deno, Bun).
 */
function waitUntilIn(rest: readonly unknown[]): WaitUntil | undefined {
  return waitUntilOf(rest[1]) ?? waitUntilOf(rest[0]);
}

/**
 * Wraps a fetch handler so that each request gets a SERVER span. With no options it reads
 * `OTEL_*` from the Worker's `env` (the second argument) and `process.env`, exports OTLP/HTTP
 * JSON, and registers itself as the OpenTelemetry provider.
 */
export function instrumentHandler<R extends Request, A extends unknown[]>(
  handler: FetchHandler<R, A>,
  options: InstrumentHandlerOptions = {},
): (request: R, ...rest: A) => Promise<Response> {
  const entry = 'instrumentHandler()';
  checkHandler(handler, entry, 'the handler must be a function (request, env, ctx) => Response');
  const server = new ServerTracing(
    prepareServer(options, entry, optionNames(HANDLER_OPTIONS)),
    '@edgetrace/handler',
  );
  return traceRequests(server, handler, options);
}

/** Throws ConfigError, saying `what` to pass, unless `handler` is of the `type` expected. */
export function checkHandler(
  handler: unknown,
  entry: string,
  what: string,
  type: 'function' | 'object' = 'function',
): void {
  if (typeof handler !== type || handler === null) throw new ConfigError(`${entry}: ${what}`);
}

/** `handler`, traced by `server` (one per isolate, shared with a Worker's other events). */
export function traceRequests<R extends Request, A extends unknown[]>(
  server: ServerTracing,
  handler: FetchHandler<R, A>,
  options: Pick<InstrumentHandlerOptions, 'route' | 'skip'>,
): (request: R, ...rest: A) => Promise<Response> {
  const skipped = compileSkip(
    options.skip,
    (request: Request) => new URL(request.url).pathname,
    server.entry,
  );
  const { route } = options;

  return async function tracedHandler(this: unknown, request: R, ...rest: A): Promise<Response> {
    if (skipped(request)) return handler.call(this, request, ...rest);
    const waitUntil = waitUntilIn(rest);
    const tracing = server.ready ?? (await server.make(rest[0], waitUntil));
    const started = server.startRequest(tracing, request, waitUntil);
    let response: Response;
    try {
      response = await tracing.provider.contextManager.with(started.context, () =>
        handler.call(this, request, ...rest),
      );
    } catch (error) {
      server.fail(started, error);
      throw error;
    }
    return server.finish(started, response, { route: route && (() => route(request)) });
  };
}
