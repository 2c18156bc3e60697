// What the figures were measured on.
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memory: string;
  node: string;
  platform: string;
  loadAverage: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' / '),
  };
}
