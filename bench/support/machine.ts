import { readFileSync } from 'node:fs';
import { arch, availableParallelism, release, totalmem, type } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  kernel: string;
  os: string;
  arch: string;
}

function cpuModel(): string {
  try {
    const match = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall through.
  }
  return 'unknown';
}

function ramBytes(): number {
  try {
    const match = readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+) kB$/m);
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  return totalmem();
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    ramGiB: Math.round((ramBytes() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    os: type(),
    arch: arch(),
  };
}

export function formatMachine(machine: Machine): string {
  return [
    `CPU     ${machine.cpuModel}, ${machine.cores} cores`,
    `RAM     ${machine.ramGiB} GiB`,
    `Node    ${machine.node}`,
    `Kernel  ${machine.os} ${machine.kernel} (${machine.arch})`,
  ].join('\n');
}
