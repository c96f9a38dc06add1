// The same small Hono app for every variant: one plain route, one route with an outgoing fetch.
import { Hono, type MiddlewareHandler } from 'hono';

export const UPSTREAM = 'http://gpu.internal:8000/v1/models';

export function createApp(outgoing: typeof fetch, middleware?: MiddlewareHandler): Hono {
  const app = new Hono();
  if (middleware !== undefined) app.use(middleware);
  app.get('/plain', (c) => c.text('ok'));
  app.get('/fetch', async (c) => {
    const response = await outgoing(UPSTREAM);
    return c.json(await response.json());
  });
  return app;
}
