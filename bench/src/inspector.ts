// workerd's inspector (the Chrome DevTools protocol over a WebSocket) for the profiling scripts:
// sending commands, and reading a CPU profile's heaviest frames.

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs from each sample to the next. */
  timeDeltas?: number[];
}

/** Sends inspector commands over one WebSocket and resolves each with its result. */
export async function inspector(
  url: string,
): Promise<{ send: (method: string, params?: object) => Promise<unknown>; close: () => void }> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result ?? message.error);
  });
  let id = 0;
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      id++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

/** The inspector of the Worker's own isolate (workerd's `core:user` target) on `port`. */
export async function userWorkerInspector(port: number): ReturnType<typeof inspector> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    title: string;
    webSocketDebuggerUrl: string;
  }[];
  const target = targets.find((t) => t.title.includes('core:user'));
  if (target === undefined) throw new Error(`no user Worker among ${targets.map((t) => t.title).join(', ')}`);
  return inspector(target.webSocketDebuggerUrl);
}

/** The frames holding the most samples (idle left out), as percentages: by self, and by total. */
export function summarize(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = ({ callFrame }: ProfileNode) =>
    `${callFrame.functionName || '(anonymous)'} ${callFrame.url.split('/').pop() ?? ''}:${callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  for (const sample of profile.samples) {
    const leaf = byId.get(sample);
    if (leaf === undefined || leaf.callFrame.functionName === '(idle)') continue;
    busy++;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + 1);
    const seen = new Set<string>();
    for (
      let node: ProfileNode | undefined = leaf;
      node !== undefined;
      node = byId.get(parent.get(node.id) ?? -1)
    ) {
      if (!seen.has(name(node))) total.set(name(node), (total.get(name(node)) ?? 0) + 1);
      seen.add(name(node));
    }
  }
  const rows = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, count]) => `${((100 * count) / busy).toFixed(1).padStart(5)}%  ${frame}`)
      .join('\n');
  // The time between samples while busy (idle stretches are sampled sparsely, so their gaps are
  // left out): the median gap before a busy sample.
  const gaps = profile.samples
    .map((sample, at) =>
      byId.get(sample)?.callFrame.functionName === '(idle)' ? -1 : (profile.timeDeltas?.[at] ?? -1),
    )
    .filter((gap) => gap >= 0)
    .sort((a, b) => a - b);
  const gap = gaps[Math.floor(gaps.length / 2)];
  const time = gap === undefined ? '' : ` (about ${((busy * gap) / 1000).toFixed(1)} ms at ${gap} µs apart)`;
  return `${busy} busy samples${time}\n\nself:\n${rows(self)}\n\ntotal:\n${rows(total)}`;
}
