import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { bashCompletion, buildProgram } from './program.js';

function leaves(cmd: Command, prefix: string[] = []): Array<{ path: string; cmd: Command }> {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return [{ path: prefix.join(' '), cmd }];
  return subs.flatMap((c) => leaves(c, [...prefix, c.name()]));
}

function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

describe('the command tree', () => {
  const program = buildProgram();
  const all = leaves(program);

  it('has every command the README documents', () => {
    const paths = all.map((l) => l.path).sort();
    for (const expected of [
      'verify',
      'kyc start',
      'kyc status',
      'kyc review',
      'kyc result',
      'batch',
      'runs list',
      'audit show',
      'audit verify',
      'audit export',
      'audit erase',
      'dev',
      'worker',
      'gateway',
      'specimens generate',
      'bench',
      'doctor',
      'config show',
      'completion',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it.each(leaves(buildProgram()).map((l) => [l.path, l.cmd] as const))(
    'dococr %s --help shows an example',
    (_path, cmd) => {
      expect(helpOf(cmd)).toMatch(/Examples?:\n\s+(dococr|TEMPORAL_ADDRESS=|DOCOCR_|eval|cat )/);
    },
  );

  it('completes every top-level command in bash', () => {
    const script = bashCompletion(program);
    for (const c of program.commands) expect(script).toContain(c.name());
  });
});
