/**
 * `npm start` is npm, then node: the server is a grandchild of the process the bench spawned.
 * Its memory and its CPU profile are the server's own, so the bench finds it in /proc (Linux).
 */
import { readdir, readFile } from 'node:fs/promises';

async function children(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(' ').filter(Boolean).map(Number);
}

/** The descendant of `root` (or root itself) whose command line contains `marker`. */
export async function findDescendant(root: number, marker: string): Promise<number> {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.includes(marker))) return pid;
    queue.push(...(await children(pid)));
  }
  throw new Error(`no process under ${root} runs ${marker}`);
}

/** Resident memory now and at its peak, in MiB, from /proc/<pid>/status. */
export async function memoryOf(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** CPU time the process has used, all threads (utime + stime of /proc/<pid>/stat), in µs. */
export async function cpuMicrosOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / clockTicksPerSecond;
}

// USER_HZ: 100 on every Linux the bench runs on (sysconf(_SC_CLK_TCK) is not reachable from Node).
const clockTicksPerSecond = 100;

/** CPU time by thread name (/proc/<pid>/task/<tid>/stat: "node" is the main thread), in µs. */
export async function cpuMicrosByThread(pid: number): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const name = stat
      .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      .replace(/\d+$/, '')
      .trim();
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const micros = ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / clockTicksPerSecond;
    byName.set(name, (byName.get(name) ?? 0) + micros);
  }
  return byName;
}
