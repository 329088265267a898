import { Command, CommanderError, Option } from 'commander';
import { CliError, ExitCode, toCliError } from './exit-codes.js';
import { createContext } from './context.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  the request completed (a failed verification is still 0: its result says N)
  2  usage or input errors (bad flag, missing file, invalid image or parameter)
  3  the verification service or Temporal is unreachable
  1  anything else

Environment:
  DOCOCR_DATA_DIR     data folder (default ./.dococr): keys, blobs, audit log, dev-server database
  TEMPORAL_ADDRESS    use this Temporal server instead of the embedded dev server
  TEMPORAL_CLI_PATH   the Temporal CLI binary for the embedded dev server`;

/** Builds the `dococr` command tree. Heavy modules load inside each action, so `--help` stays fast. */
export function buildProgram(): Command {
  const program = new Command('dococr')
    .description(
      'ID-document verification with the DocOcrV2 contract: offline engine, durable Temporal workflows, audit trail',
    )
    .version('0.1.0')
    .option('--verbose', 'show debug logs and stack traces')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('verify')
    .description('verify one document image through the docOcr workflow and print the DocOcrV2 response')
    .argument('<image>', 'a JPG or PNG file, or - for standard input')
    .requiredOption('-d, --doc-type <code>', 'DocType code, e.g. 01000000 (passport), 00000001 (mainland ID card)')
    .option('--side <side>', 'mainland ID card side: face or emblem (only with --doc-type 00000001)')
    .option('--spoof', 'run anti-spoofing (Spoof=T)')
    .option('--face-quality', 'score the portrait (IdFaceQuality=T)')
    .option('--threshold <mode>', 'quality check (IdThreshold): standard, strict, loose, off, or 0-3')
    .option('--no-ocr', 'do not extract fields (Ocr=F)')
    .option('--merchant-biz-id <id>', 'MerchantBizId (default: random); the same id returns the same run')
    .option('--merchant-user-id <id>', 'MerchantUserId (stored only as a salted hash)')
    .option('--scene-code <code>', 'SceneCode, at most 10 letters, digits or _')
    .addOption(
      new Option('--provider <provider>', 'where the document is read').choices(['local', 'aliyun']).default('local'),
    )
    .option('--json', 'print exactly the DocOcrV2 response body')
    .addHelpText(
      'after',
      `
Examples:
  dococr verify samples/passport-td3.png --doc-type 01000000
  dococr verify card.jpg --doc-type 00000001 --side emblem --json
  cat photo.jpg | dococr verify - --doc-type 00000008 --spoof --face-quality --threshold strict`,
    )
    .action(async (image: string, flags, cmd: Command) => {
      const { verifyCommand } = await import('./commands/verify.js');
      process.exitCode = await verifyCommand(createContext(cmd.optsWithGlobals()), image, flags);
    });

  program
    .command('dev')
    .description('run the whole local stack: Temporal dev server and Web UI, workers, gateway, codec endpoint')
    .option('--port <port>', 'gateway port', '8080')
    .option('--host <host>', 'gateway address', '127.0.0.1')
    .addHelpText('after', '\nExample:\n  dococr dev\n  dococr dev --port 9090')
    .action(async (flags: { port?: string; host?: string }, cmd: Command) => {
      const { devCommand } = await import('./commands/dev.js');
      process.exitCode = await devCommand(createContext(cmd.optsWithGlobals()), flags);
    });

  program
    .command('gateway')
    .description('serve the DocOcrV2 wire protocol over HTTP (keys from DOCOCR_ACCESS_KEYS or DOCOCR_ACCESS_KEYS_FILE)')
    .option('--port <port>', 'port', '8080')
    .option('--host <host>', 'address', '127.0.0.1')
    .addHelpText(
      'after',
      '\nExample:\n  DOCOCR_ACCESS_KEYS=mykey:mysecret TEMPORAL_ADDRESS=127.0.0.1:7233 dococr gateway --port 8080',
    )
    .action(async (flags: { port?: string; host?: string }, cmd: Command) => {
      const { gatewayCommand } = await import('./commands/gateway.js');
      process.exitCode = await gatewayCommand(createContext(cmd.optsWithGlobals()), flags);
    });

  program
    .command('worker')
    .description('run a worker for the dococr workflows and steps (against TEMPORAL_ADDRESS in deployments)')
    .addHelpText('after', '\nExample:\n  TEMPORAL_ADDRESS=temporal.internal:7233 dococr worker')
    .action(async (_flags, cmd: Command) => {
      const { workerCommand } = await import('./commands/dev.js');
      process.exitCode = await workerCommand(createContext(cmd.optsWithGlobals()));
    });

  return program;
}

/** Runs the CLI; every failure becomes one line on stderr and an exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage mistakes were already explained by commander.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const cliError = toCliError(err);
    const verbose = argv.includes('--verbose');
    process.stderr.write(`dococr: ${cliError.message}${cliError.hint ? ` (${cliError.hint})` : ''}\n`);
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return cliError.exitCode;
  }
}

export { CliError, ExitCode };
