// CPU time of the workerd processes a benchmark started (Miniflare's children), read from /proc:
// what a Worker is billed and limited on, and what waiting (timers, the network) does not cost.
import { readdirSync, readFileSync } from 'node:fs';

/** The workerd processes this benchmark started (Miniflare's child), by walking /proc. */
export function workerdPids(): number[] {
  const parents = new Map<number, { ppid: number; comm: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), { ppid, comm });
    } catch {
      // The process ended while being read.
    }
  }
  const ours = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined; at = parents.get(at.ppid)) {
      if (at.ppid === process.pid) return true;
    }
    return false;
  };
  return [...parents].filter(([pid, p]) => p.comm === 'workerd' && ours(pid)).map(([pid]) => pid);
}

/** CPU time of the given processes, every thread, in nanoseconds (/proc/<pid>/task/<tid>/schedstat). */
export function cpuNs(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
  }
  return total;
}
