// The README's demo command when a port it wants is taken — people who use this library often
// run a Collector or Jaeger on 4318: the demo picks a free port, says so, and runs to the end;
// a port chosen on the command line that is busy stops it with what to do.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../', import.meta.url).pathname;
const servers: Server[] = [];

/** Takes `port` on 127.0.0.1 (0: any free one) and returns it. */
function occupy(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      servers.push(server);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('not listening on TCP'));
      else resolve(address.port);
    });
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

type Choose = (
  wanted: { name: string; option: string; port: number; explicit: boolean }[],
  say?: (line: string) => void,
) => Promise<Record<string, number>>;

// A plain script of the repository, as the demo runs it.
const { choosePorts, isFree } = (await import(new URL('../scripts/demo-ports.js', import.meta.url).href)) as {
  choosePorts: Choose;
  isFree: (port: number) => Promise<boolean>;
};

describe('the demo’s ports', () => {
  it('moves a busy default to a free port and says which, and how to choose', async () => {
    const busy = await occupy(0);
    const said: string[] = [];
    const chosen = await choosePorts(
      [{ name: 'viewer', option: 'viewer-port', port: busy, explicit: false }],
      (line) => said.push(line),
    );
    expect(chosen.viewer).not.toBe(busy);
    expect(await isFree(chosen.viewer ?? 0)).toBe(true);
    expect(said[0]).toContain(`port ${busy} is in use`);
    expect(said[0]).toContain(
      `the viewer uses ${chosen.viewer} instead; choose one with --viewer-port <port>`,
    );
  });

  it('stops on a busy port given on the command line, saying what to do, and the fix works', async () => {
    const busy = await occupy(0);
    await expect(
      choosePorts([{ name: 'viewer', option: 'viewer-port', port: busy, explicit: true }]),
    ).rejects.toThrow(`port ${busy} for the viewer is in use; choose another with --viewer-port <port>`);
    const other = await occupy(0);
    servers.pop()?.close();
    expect(
      await choosePorts([{ name: 'viewer', option: 'viewer-port', port: other, explicit: true }]),
    ).toEqual({ viewer: other });
  });

  it('npm run demo -- --once runs to the end with 4318 taken', async () => {
    if (await isFree(4318)) await occupy(4318);
    const { stdout } = await run('bash', ['scripts/demo.sh', '--once'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const moved = /port 4318 is in use .*: the viewer uses (\d+) instead/.exec(stdout);
    expect(moved).not.toBeNull();
    expect(stdout).toContain(`Open http://127.0.0.1:${moved?.[1]} for the trace list`);
    expect(stdout).toMatch(/trace [0-9a-f]{32}/);
  }, 240_000);
});
