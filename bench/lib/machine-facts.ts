import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** One Markdown line describing the machine a benchmark ran on (cores, CPU, memory, Node, load, date). */
export function machineFacts(): string {
  const cpus = os.cpus();
  const nproc = (() => {
    try {
      return execFileSync('nproc', { encoding: 'utf8' }).trim();
    } catch {
      return String(os.availableParallelism());
    }
  })();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const memGiB = (os.totalmem() / 1024 ** 3).toFixed(1);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  return `Machine: nproc ${nproc}, ${model}, ${memGiB} GiB RAM, ${os.platform()} ${os.release()}; Node ${process.version}; load average at start ${load} (1/5/15 min; the machine is shared); run ${new Date().toISOString()}.`;
}
