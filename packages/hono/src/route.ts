// The route template that answered a request, from Hono's matched routes: the full template,
// with `basePath` and `app.route()` mount prefixes included, or `undefined` when no route did.
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * Reads the route after `await next()`. `ownIndex` is the tracing middleware's own route index,
 * read before `next()`: Hono moves `c.req.routeIndex` to each handler it runs, so an index that
 * did not move means nothing after the middleware answered.
 */
export function answeredRoute(c: Context, ownIndex: number, status: number): string | undefined {
  const index = c.req.routeIndex;
  if (index === ownIndex) return undefined;
  const route = matchedRoutes(c)[index];
  if (route === undefined) return undefined;
  // A catch-all middleware (`app.use('/api/*', ...)`) that passed on to Hono's not-found handler
  // is the last route run on a 404: that is "no route", not a route called `/api/*`.
  if (status === 404 && route.method === 'ALL' && route.path.endsWith('*')) return undefined;
  return route.path;
}
