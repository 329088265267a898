import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

export interface SpecimensFlags {
  seed: string;
  count: string;
  out: string;
  docType?: string[];
  side?: string[];
  width?: string;
  height?: string;
  format?: string;
  genuineOnly?: boolean;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${name} ${value}: must be a whole number above 0`, ExitCode.Usage);
  return n;
}

/** `dococr specimens generate`: labelled synthetic documents and their manifest.jsonl. */
export async function specimensGenerate(ctx: CliContext, flags: SpecimensFlags): Promise<number> {
  const specimens = await import('@dococr/specimens');
  const count = positiveInt('--count', flags.count);
  const started = Date.now();
  let done = 0;
  const tty = Boolean((ctx.stderr as NodeJS.WriteStream).isTTY);
  const result = await specimens.generate({
    seed: flags.seed,
    count,
    outDir: flags.out,
    ...(flags.docType?.length ? { docTypes: flags.docType as never } : {}),
    ...(flags.side?.length ? { sides: flags.side as never } : {}),
    ...(flags.width ? { width: positiveInt('--width', flags.width) } : {}),
    ...(flags.height ? { height: positiveInt('--height', flags.height) } : {}),
    ...(flags.format ? { format: flags.format as never } : {}),
    ...(flags.genuineOnly ? { spoofs: [], deliberateErrors: false } : {}),
    onImage: () => {
      done += 1;
      if (tty) ctx.stderr.write(`\rgenerating ${done}/${count}`);
    },
  });
  if (tty) ctx.stderr.write('\n');
  const entries = (result as { entries?: unknown[] }).entries ?? [];
  ctx.stdout.write(
    `wrote ${entries.length || done} documents and manifest.jsonl to ${flags.out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return ExitCode.Ok;
}
