/**
 * Flows on vs off against the same NodePort (issue 7: "recording flows costs
 * under 5% of the NodePort request rate"), part of `bench/dataplane.ts`.
 *
 * One emulator, one NodePort: the flow log is switched with
 * `FlowLog.setEnabled` between wrk runs, so both sides share the listeners,
 * the pod and the JIT state. The order alternates (on/off, off/on, …) so a
 * drift in the machine's load falls on both sides alike. Each side reports
 * wrk's request rate and this process's CPU time per request (the emulator
 * and the simulated pod live here; wrk does not) — the CPU figure is steadier
 * than the wall rate on a shared, noisy machine.
 *
 * Two modes: keep-alive (50 connections for the whole run, so 50 flow records)
 * and a new connection per request (one flow record per request: the case
 * where recording costs most).
 */
import type { FlowLog } from '../src/trace/index.js';
import { median, type WrkResult, wrk } from './lib.js';

export interface FlowsSample {
  readonly rps: number;
  readonly p99ms: number;
  /** CPU time of this process per request, µs. */
  readonly cpuUs: number;
  /** Flow records written during the run. */
  readonly records: number;
  readonly errors: number;
}

export interface FlowsMode {
  readonly label: string;
  readonly on: readonly FlowsSample[];
  readonly off: readonly FlowsSample[];
}

async function sample(
  url: string,
  flows: FlowLog,
  on: boolean,
  options: { seconds: number; close: boolean },
): Promise<FlowsSample> {
  flows.setEnabled(on);
  const total0 = flows.stats().total;
  const cpu0 = process.cpuUsage();
  const r: WrkResult = await wrk(url, { seconds: options.seconds, close: options.close });
  const cpu = process.cpuUsage(cpu0);
  const requests = r.rps * options.seconds;
  return {
    rps: r.rps,
    p99ms: r.p99ms,
    cpuUs: (cpu.user + cpu.system) / requests,
    records: flows.stats().total - total0,
    errors: r.errors,
  };
}

/**
 * Runs `runs` pairs per mode, alternating which side goes first, after one
 * warm-up pair. Leaves the flow log enabled, as the emulator starts.
 */
export async function flowsOnOff(options: {
  url: string;
  flows: FlowLog;
  runs: number;
  seconds: number;
}): Promise<FlowsMode[]> {
  const out: FlowsMode[] = [];
  const modes = [
    { label: 'keep-alive, 50 connections', close: false },
    { label: 'new connection per request, 50 at a time', close: true },
  ];
  for (const mode of modes) {
    const on: FlowsSample[] = [];
    const off: FlowsSample[] = [];
    const o = { seconds: options.seconds, close: mode.close };
    await sample(options.url, options.flows, true, { ...o, seconds: 2 });
    await sample(options.url, options.flows, false, { ...o, seconds: 2 });
    for (let i = 0; i < options.runs; i++) {
      const order = i % 2 === 0 ? [true, false] : [false, true];
      for (const side of order) (side ? on : off).push(await sample(options.url, options.flows, side, o));
    }
    out.push({ label: mode.label, on, off });
  }
  options.flows.setEnabled(true);
  return out;
}

/** The comparison as a Markdown table, for docs/benchmarks.md. */
export function flowsTable(modes: readonly FlowsMode[]): string {
  const rows = modes.map((m) => {
    const rps = (s: readonly FlowsSample[]) => median(s.map((x) => x.rps));
    const cpu = (s: readonly FlowsSample[]) => median(s.map((x) => x.cpuUs));
    const records = median(m.on.map((x) => x.records));
    const errors = [...m.on, ...m.off].reduce((n, x) => n + x.errors, 0);
    return [
      m.label,
      Math.round(rps(m.off)),
      Math.round(rps(m.on)),
      `${(rps(m.on) / rps(m.off)).toFixed(3)}×`,
      cpu(m.off).toFixed(1),
      cpu(m.on).toFixed(1),
      `${(cpu(m.on) / cpu(m.off)).toFixed(3)}×`,
      Math.round(records),
      errors,
    ].join(' | ');
  });
  const runs = modes.map(
    (m) =>
      `${m.label}: off ${m.off.map((x) => Math.round(x.rps)).join(', ')}; on ${m.on.map((x) => Math.round(x.rps)).join(', ')}`,
  );
  return [
    '| NodePort, wrk -t1 -c50 | req/s off | req/s on | on/off | CPU µs/req off | CPU µs/req on | CPU on/off | records per run (on) | wrk errors |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    'Every run (req/s):',
    ...runs.map((r) => `- ${r}`),
  ].join('\n');
}
