/**
 * Exit codes, documented in `--help` and the README:
 * 0 the request completed (a failed verification is still 0: its result says N),
 * 2 usage or input errors, 3 the verification service or Temporal is unreachable, 1 anything else.
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line (what, why, what to do) with a chosen exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const UNREACHABLE = /ECONNREFUSED|UNAVAILABLE|did not answer|Failed to connect|TransportError|tcp connect error/i;

/** Maps any error to a CLI error; unknown errors exit 1 and keep their message. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (UNREACHABLE.test(message)) {
    return new CliError(
      `Temporal is unreachable: ${message}`,
      ExitCode.Unreachable,
      'check TEMPORAL_ADDRESS, or unset it to use the embedded dev server',
    );
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT') return new CliError(message, ExitCode.Usage);
  return new CliError(message, ExitCode.Failure);
}
