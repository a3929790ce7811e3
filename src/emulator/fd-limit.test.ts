import { describe, expect, it } from 'vitest';
import {
  emfileMessage,
  fdLimitProblem,
  plannedListeners,
  raisedLimitCommand,
  readFdLimits,
} from './fd-limit.js';

describe('file-descriptor limits', () => {
  it('reads this process limits', () => {
    const limits = readFdLimits();
    expect(limits?.soft).toBeGreaterThan(0);
    expect((limits?.hard ?? 0) >= (limits?.soft ?? 0)).toBe(true);
  });

  it('counts NodePorts on every node, plus LoadBalancer and externalIP ports', () => {
    const objects = [
      { kind: 'Service', spec: { type: 'NodePort', ports: [{}, {}] } },
      { kind: 'Service', spec: { type: 'LoadBalancer', ports: [{}] } },
      { kind: 'Service', spec: { ports: [{}], externalIPs: ['127.0.20.9', '192.168.56.103'] } },
      { kind: 'Deployment', spec: {} },
    ];
    expect(plannedListeners(3, objects, false)).toBe(3 * 3 + 1 + 2);
    expect(plannedListeners(3, objects, true)).toBe(3 * 5 + 1 + 2);
  });

  it('accepts what fits under the hard limit and names the limit and the fix otherwise', () => {
    expect(fdLimitProblem({ soft: 1024, hard: 65536 }, 50_000)).toBeUndefined();
    expect(fdLimitProblem({ soft: 20000, hard: 20000 }, 50_000)).toBe(
      'netkube needs about 50256 file descriptors for 50000 listeners, but the open-files limit is 20000 (hard limit 20000): raise it (as root: ulimit -Hn 63488; then ulimit -n 63488), or use fewer nodes or NodePort Services',
    );
    expect(emfileMessage('127.0.10.2:30080', { soft: 1024, hard: 1024 })).toContain(
      'too many open files (the open-files limit is 1024)',
    );
  });

  it('raises the soft limit through the shell, then execs the emulator', () => {
    expect(raisedLimitCommand(['node', 'bin/netkube.js', 'up'])).toEqual({
      command: 'sh',
      args: ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', 'node', 'bin/netkube.js', 'up'],
    });
  });
});
