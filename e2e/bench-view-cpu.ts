// "Other processes' CPU" for bench:view (Linux /proc): over a measuring window, the machine's busy CPU
// time minus that of this process and its descendants (the browser, its GPU process, the bench server),
// in cores. The benchmark machine is shared: every timing is printed next to this figure so a noisy
// window is visible. Elsewhere (no /proc) the figure is undefined and printed as "n/a".
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second of /proc's CPU times (USER_HZ, 100 on every mainstream Linux build). */
const TICKS_PER_SECOND = 100;

interface CpuSample {
  /** Busy ticks of the whole machine (all cores). */
  machineBusy: number;
  /** Busy ticks of this process tree (live processes). */
  ours: Map<number, number>;
  wallMs: number;
}

function machineBusyTicks(): number {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/** pid -> [parent pid, utime + stime ticks] of every readable process. */
function processTable(): Map<number, [number, number]> {
  const table = new Map<number, [number, number]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parentheses: split after its closing ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
      table.set(Number(name), [Number(rest[1]), Number(rest[11]) + Number(rest[12])]);
    } catch {
      // The process exited while listing.
    }
  }
  return table;
}

function sample(): CpuSample | undefined {
  try {
    const table = processTable();
    const ours = new Map<number, number>();
    const pending = [process.pid];
    while (pending.length > 0) {
      const pid = pending.pop()!;
      const entry = table.get(pid);
      if (entry) ours.set(pid, entry[1]);
      for (const [child, [parent]] of table) if (parent === pid && !ours.has(child)) pending.push(child);
    }
    return { machineBusy: machineBusyTicks(), ours, wallMs: performance.now() };
  } catch {
    return undefined;
  }
}

/** CPU time (ms) used so far by this process and its live descendants (the browser): profile-view.ts. */
export function ownTreeCpuMs(): number {
  let ticks = 0;
  for (const t of sample()?.ours.values() ?? []) ticks += t;
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Starts a window; `stop()` returns the other processes' mean CPU use over it, in cores. */
export function cpuWindow(): { stop(): number | undefined } {
  const start = sample();
  return {
    stop() {
      const end = sample();
      if (!start || !end || end.wallMs <= start.wallMs) return undefined;
      let ours = 0;
      // A process of ours that started inside the window counts from zero.
      for (const [pid, ticks] of end.ours) ours += ticks - (start.ours.get(pid) ?? 0);
      const others = end.machineBusy - start.machineBusy - ours;
      return Math.max(0, others / TICKS_PER_SECOND / ((end.wallMs - start.wallMs) / 1000));
    },
  };
}
