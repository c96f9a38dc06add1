// The demo's ports: the defaults (4318 for the viewer, 8000 for the mock GPU server, 8787 for the
// Worker) unless one is taken — people who use this library often run a Collector or Jaeger on
// 4318 — in which case a free port is used and the demo says so. A port given on the command
// line is used as given, or the demo stops saying which one is busy and how to choose another.
import { createServer } from 'node:net';

/** Whether a server can listen on `port` on 127.0.0.1 now. */
export function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port the system says is free. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves each wanted port: `{ name, option, port, explicit }` → the port to use. Notices about
 * ports moved go to `say`; an explicit port that is busy rejects with what to do.
 */
export async function choosePorts(wanted, say = console.log) {
  const chosen = {};
  for (const { name, option, port, explicit } of wanted) {
    if (await isFree(port)) {
      chosen[name] = port;
      continue;
    }
    if (explicit) {
      throw new Error(`port ${port} for the ${name} is in use; choose another with --${option} <port>`);
    }
    const other = await freePort();
    say(
      `  port ${port} is in use (is a Collector or Jaeger running?): the ${name} uses ${other} instead; choose one with --${option} <port>`,
    );
    chosen[name] = other;
  }
  return chosen;
}
