/**
 * Where the machine's CPU went during a measured phase, read from Linux's /proc: a process by
 * pid (the receiver), the database server's processes (every process named `postgres` on this
 * machine), and how busy all cores were. A benchmark whose sender, receiver and database share a
 * small host's cores is bounded by the CPU each of them uses per operation; these figures say
 * how much each used, so a ratio can be read against them. Process CPU comes in clock ticks
 * (USER_HZ, 100 a second on Linux): over a phase of 10,000 operations that is ±1 µs each.
 * Elsewhere than Linux every reading is null and nothing is reported.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICK_US = 10_000;
const ON_LINUX = existsSync('/proc/stat');

interface Reading {
  /** Ticks of every core: all states, and idle (idle + iowait). */
  all: number;
  idle: number;
  /** User + system ticks of the watched pid. */
  watched: number;
  /** User + system ticks of every `postgres` process (those that exited since are not counted). */
  database: Map<string, number>;
}

export interface CpuUse {
  /** µs of CPU per operation. */
  watchedUs: number;
  databaseUs: number;
  /** Share of all cores' time that was busy, 0–1. */
  busy: number;
}

/** User + system ticks of a process, and its name; null once it has exited. */
function processTicks(pid: string): { name: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function read(watchedPid: number): Reading {
  const cores = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.split(/\s+/).slice(1).map(Number);
  const database = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const use = processTicks(pid);
    if (use?.name.startsWith('postgres')) database.set(pid, use.ticks);
  }
  return {
    all: cores.reduce((sum, ticks) => sum + ticks, 0),
    idle: cores[3]! + (cores[4] ?? 0),
    watched: processTicks(String(watchedPid))?.ticks ?? 0,
    database,
  };
}

/** Start watching; the returned function answers the CPU used since, per operation (null off Linux). */
export function watchCpu(watchedPid: number): (operations: number) => CpuUse | null {
  if (!ON_LINUX) return () => null;
  const before = read(watchedPid);
  return (operations) => {
    const after = read(watchedPid);
    let database = 0;
    for (const [pid, ticks] of after.database) database += ticks - (before.database.get(pid) ?? 0);
    const all = after.all - before.all;
    return {
      watchedUs: ((after.watched - before.watched) * TICK_US) / operations,
      databaseUs: (database * TICK_US) / operations,
      busy: all > 0 ? 1 - (after.idle - before.idle) / all : 0,
    };
  };
}

export const cores = availableParallelism;
