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
    .argument('<image>', 'a JPG or PNG file, - for standard input, or an http(s) URL')
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
  cat photo.jpg | dococr verify - --doc-type 00000008 --spoof --face-quality --threshold strict
  dococr verify https://example.com/passport.jpg --doc-type 01000000`,
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

  const kyc = program.command('kyc').description('multi-document KYC applications with cross-checks and human review');
  kyc
    .command('start')
    .description('open an application: each --doc through docOcr, then cross-checks and a decision or a review')
    .option(
      '--doc <DocType[/side]:file>',
      'a document (repeat for more); side face or emblem for 00000001',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--id <applicationId>', 'MerchantBizId of the application (letters and digits; default random)')
    .option('--merchant-user-id <id>', 'MerchantUserId (stored only as a salted hash)')
    .option('--scene-code <code>', 'SceneCode')
    .option('--min-age <years>', 'reject applicants younger than this')
    .option('--review-deadline <duration>', 'time a reviewer has before escalation, e.g. 30m, 2h, 1d', '1d')
    .option('--require-same-person', 'every document must show the same person')
    .option('--json', 'print {"id", "workflowId", "runId", "existing", "status"}')
    .addHelpText(
      'after',
      '\nExamples:\n  dococr kyc start --doc 00000001/face:front.jpg --doc 00000001/emblem:back.jpg --min-age 18\n  dococr kyc start --doc 01000000:passport.jpg --doc 00000008:hkid.jpg --require-same-person --json',
    )
    .action(async (flags, cmd: Command) => {
      const { kycStart } = await import('./commands/kyc.js');
      process.exitCode = await kycStart(createContext(cmd.optsWithGlobals()), flags);
    });
  kyc
    .command('status')
    .description("an application's state, documents, checks and reasons")
    .argument('<id>', 'application id')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nExample:\n  dococr kyc status A1001 --json')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const { kycStatusCommand } = await import('./commands/kyc.js');
      process.exitCode = await kycStatusCommand(createContext(cmd.optsWithGlobals()), id, flags);
    });
  kyc
    .command('review')
    .description('decide an application waiting for review (or escalated)')
    .argument('<id>', 'application id')
    .option('--approve', 'approve it')
    .option('--reject', 'reject it')
    .option('--reason <text>', 'why (recorded in the audit trail)')
    .option('--reviewer <id>', 'who decides (recorded in the audit trail)')
    .option('--json', 'JSON output')
    .addHelpText(
      'after',
      '\nExample:\n  dococr kyc review A1001 --approve --reviewer alice --reason "documents match, photo checked"',
    )
    .action(async (id: string, flags, cmd: Command) => {
      const { kycReviewCommand } = await import('./commands/kyc.js');
      process.exitCode = await kycReviewCommand(createContext(cmd.optsWithGlobals()), id, flags);
    });
  kyc
    .command('result')
    .description('the final decision of an application (its status while it is still open)')
    .argument('<id>', 'application id')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nExample:\n  dococr kyc result A1001')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const { kycResultCommand } = await import('./commands/kyc.js');
      process.exitCode = await kycResultCommand(createContext(cmd.optsWithGlobals()), id, flags);
    });

  kyc
    .command('close')
    .description('record the end of the business relationship: the retention period runs from it')
    .argument('<id>', 'application id')
    .option('--ended-at <iso>', 'when it ended (default now)')
    .option('--actor <who>', 'who records it')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nExample:\n  dococr kyc close A1001 --ended-at 2026-11-26T00:00:00Z')
    .action(async (id: string, flags, cmd: Command) => {
      const { kycClose } = await import('./commands/compliance-retention.js');
      process.exitCode = await kycClose(createContext(cmd.optsWithGlobals()), id, flags);
    });

  program
    .command('batch')
    .description('verify every image of a folder or manifest.jsonl, a few at a time; running it again resumes it')
    .argument('<source>', 'a folder of JPG/PNG images, or a manifest.jsonl with image and docType per line')
    .option('-d, --doc-type <code>', "DocType of a folder's images")
    .option('--concurrency <n>', 'documents read at once', '2')
    .option('--id <batchId>', 'batch id (default: derived from the source path, so a re-run resumes)')
    .option('--json', 'JSON Lines progress even on a terminal')
    .addHelpText(
      'after',
      '\nExamples:\n  dococr batch ./scans --doc-type 01000000 --concurrency 2\n  dococr batch ./specimens/manifest.jsonl --json > progress.jsonl',
    )
    .action(async (source: string, flags, cmd: Command) => {
      const { batchCommand } = await import('./commands/batch.js');
      process.exitCode = await batchCommand(createContext(cmd.optsWithGlobals()), source, flags);
    });

  const audit = program.command('audit').description('the hash-chained audit trail of an application');
  audit
    .command('list')
    .description('list the applications that have an audit trail')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nExample:\n  dococr audit list --json')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { auditList } = await import('./commands/audit.js');
      process.exitCode = await auditList(createContext(cmd.optsWithGlobals()), flags);
    });
  audit
    .command('show')
    .description('show every event of an application in order, and whether the chain verifies')
    .argument('<id>', 'application id (MerchantBizId) or workflow id')
    .option('--json', 'the events as JSON')
    .addHelpText('after', '\nExample:\n  dococr audit show order42')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const { auditShow } = await import('./commands/audit.js');
      process.exitCode = await auditShow(createContext(cmd.optsWithGlobals()), id, flags);
    });
  audit
    .command('verify')
    .description('recompute the hash chain: exit 0 when it verifies, 1 naming the first broken link')
    .argument('[id]', 'application id (MerchantBizId) or workflow id')
    .option('--bundle <file>', 'check an evidence bundle instead: signature, every file hash and the chain')
    .option('--fingerprint <SHA256:hex>', 'with --bundle: the signing key the bundle must carry')
    .option('--json', 'JSON output')
    .addHelpText(
      'after',
      '\nExample:\n  dococr audit verify order42 && echo intact\n  dococr audit verify --bundle order42.zip',
    )
    .action(
      async (
        id: string | undefined,
        flags: { json?: boolean; bundle?: string; fingerprint?: string },
        cmd: Command,
      ) => {
        const ctx = createContext(cmd.optsWithGlobals());
        if (flags.bundle) {
          const { auditVerifyBundle } = await import('./commands/compliance-bundle.js');
          process.exitCode = await auditVerifyBundle(ctx, { ...flags, bundle: flags.bundle });
          return;
        }
        if (!id) throw new CliError('audit verify needs an application id or --bundle <file>', ExitCode.Usage);
        const { auditVerify } = await import('./commands/audit.js');
        process.exitCode = await auditVerify(ctx, id, flags);
      },
    );
  audit
    .command('export')
    .description('write the events for an auditor as JSON Lines or CSV')
    .argument('<id>', 'application id (MerchantBizId) or workflow id')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .option('--bundle <file>', 'write a signed evidence bundle (ZIP) instead: events, workflows, report, manifest')
    .option('--include-images', 'with --bundle: add the images, encrypted (AES-256-GCM) under a passphrase')
    .option('--include-fields', 'with --bundle: add the results with the fields read, encrypted like the images')
    .option('--images-passphrase <passphrase>', 'the passphrase (default: $DOCOCR_BUNDLE_PASSPHRASE)')
    .addHelpText(
      'after',
      '\nExample:\n  dococr audit export order42 --format csv -o order42.csv\n  dococr audit export order42 --bundle order42.zip',
    )
    .action(async (id: string, flags: { format?: string; out?: string; bundle?: string }, cmd: Command) => {
      if (flags.bundle) {
        const { auditExportBundle } = await import('./commands/compliance-bundle.js');
        process.exitCode = await auditExportBundle(createContext(cmd.optsWithGlobals()), id, {
          ...flags,
          bundle: flags.bundle,
        });
        return;
      }
      const { auditExport } = await import('./commands/audit.js');
      process.exitCode = await auditExport(createContext(cmd.optsWithGlobals()), id, flags);
    });
  audit
    .command('erase')
    .description("erase an application's images and destroy its data key; the chain stays verifiable")
    .argument('<id>', 'application id (MerchantBizId) or workflow id')
    .requiredOption('--reason <reason>', 'the legal basis, recorded in the chain')
    .option('--actor <who>', 'who requested the erasure')
    .addHelpText('after', '\nExample:\n  dococr audit erase order42 --reason "GDPR Art. 17 request 2026-11-26"')
    .action(async (id: string, flags: { reason?: string; actor?: string }, cmd: Command) => {
      const { auditErase } = await import('./commands/audit.js');
      process.exitCode = await auditErase(createContext(cmd.optsWithGlobals()), id, flags);
    });

  audit
    .command('hold')
    .description('place a legal hold (retention never erases a held application), or --release it')
    .argument('<id>', 'application id (MerchantBizId) or workflow id')
    .requiredOption('--reason <reason>', 'the order or case it serves, recorded in the chain')
    .option('--release', 'lift the hold')
    .option('--actor <who>', 'who places or lifts it')
    .addHelpText('after', '\nExample:\n  dococr audit hold A1001 --reason "court order 2026/77"')
    .action(async (id: string, flags, cmd: Command) => {
      const { auditHold } = await import('./commands/compliance-retention.js');
      process.exitCode = await auditHold(createContext(cmd.optsWithGlobals()), id, flags);
    });

  audit
    .command('reverify')
    .description("run an application's recorded documents again through the current engine and diff the results")
    .argument('<id>', 'application id (MerchantBizId) or workflow id')
    .option('--threshold <mode>', 'override IdThreshold: standard, strict, loose, off, or 0-3')
    .option('--spoof', 'override: run anti-spoofing (Spoof=T)')
    .option('--face-quality', 'override: score the portrait (IdFaceQuality=T)')
    .addOption(new Option('--provider <provider>', 'who reads it this time').choices(['local', 'aliyun']))
    .option('--json', 'the differences as JSON')
    .addHelpText('after', '\nExample:\n  dococr audit reverify order42 --threshold strict')
    .action(async (id: string, flags, cmd: Command) => {
      const { auditReverify } = await import('./commands/compliance-reverify.js');
      process.exitCode = await auditReverify(createContext(cmd.optsWithGlobals()), id, flags);
    });

  const retention = program
    .command('retention')
    .description('erase applications whose relationship ended longer ago than the retention period');
  retention
    .command('run')
    .description('one retention pass (the retention workflow): erase what expired, skip and list what is held')
    .option('--period <period>', 'retention after the relationship ends: 5y, 30d, 12h, 90s', '5y')
    .option('--json', 'the report as JSON')
    .addHelpText('after', '\nExample:\n  dococr retention run --period 5y')
    .action(async (flags, cmd: Command) => {
      const { retentionRun } = await import('./commands/compliance-retention.js');
      process.exitCode = await retentionRun(createContext(cmd.optsWithGlobals()), flags);
    });
  retention
    .command('schedule')
    .description('create the Temporal Schedule that runs a retention pass every day')
    .option('--period <period>', 'retention after the relationship ends', '5y')
    .option('--every <interval>', 'how often: 1d, 12h', '1d')
    .addHelpText('after', '\nExample:\n  dococr retention schedule --period 5y')
    .action(async (flags, cmd: Command) => {
      const { retentionSchedule } = await import('./commands/compliance-retention.js');
      process.exitCode = await retentionSchedule(createContext(cmd.optsWithGlobals()), flags);
    });

  program
    .command('runs')
    .description('list docOcr runs from Temporal visibility')
    .command('list')
    .description('list docOcr runs, filtered by search attributes (never PII)')
    .option('--passed <Y|N>', 'Result.Passed')
    .option('--sub-code <code>', 'Result.SubCode, e.g. 212')
    .option('--doc-type <code>', 'DocType')
    .option('--scene-code <code>', 'SceneCode')
    .option('--since <age>', 'started within, e.g. 30m, 12h, 1d')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'JSON Lines')
    .addHelpText('after', '\nExample:\n  dococr runs list --passed N --sub-code 212 --since 1d')
    .action(async (flags, cmd: Command) => {
      const { runsList } = await import('./commands/runs.js');
      process.exitCode = await runsList(createContext(cmd.optsWithGlobals()), flags);
    });

  program
    .command('specimens')
    .description('labelled synthetic ID documents')
    .command('generate')
    .description('render documents with ground truth into a folder with manifest.jsonl')
    .option('--seed <seed>', 'PRNG seed: the same seed gives the same files', '1')
    .option('--count <n>', 'how many documents', '20')
    .requiredOption('--out <folder>', 'output folder')
    .option('--doc-type <code...>', 'only these DocTypes')
    .option('--side <side...>', 'only these sides: face, emblem')
    .option('--width <px>', 'image width', '640')
    .option('--height <px>', 'image height', '480')
    .option('--genuine-only', 'no spoofs and no deliberate errors')
    .addHelpText('after', '\nExample:\n  dococr specimens generate --seed 7 --count 200 --out ./specimens')
    .action(async (flags, cmd: Command) => {
      const { specimensGenerate } = await import('./commands/specimens.js');
      process.exitCode = await specimensGenerate(createContext(cmd.optsWithGlobals()), flags);
    });

  program
    .command('bench')
    .description('run the benchmarks of a source checkout (the figures of BENCHMARKS.md)')
    .addHelpText('after', '\nExample:\n  dococr bench > bench-results.txt')
    .action(async (_flags, cmd: Command) => {
      const { benchCommand } = await import('./commands/bench.js');
      process.exitCode = await benchCommand(createContext(cmd.optsWithGlobals()));
    });

  program
    .command('doctor')
    .description('check Node, the Temporal binary, the data folder, keys, fonts and models, with fixes')
    .addHelpText('after', '\nExample:\n  dococr doctor')
    .action(async (_flags, cmd: Command) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      process.exitCode = await doctorCommand(createContext(cmd.optsWithGlobals()));
    });

  program
    .command('config')
    .description('configuration')
    .command('show')
    .description('print the effective configuration (flags > environment > dococr.config.json), secrets masked')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nExample:\n  dococr config show --json')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { configShow } = await import('./commands/config-show.js');
      process.exitCode = await configShow(createContext(cmd.optsWithGlobals()), flags);
    });

  program
    .command('completion')
    .description('print a bash completion script: eval "$(dococr completion)"')
    .addHelpText('after', '\nExample:\n  eval "$(dococr completion)"')
    .action(() => {
      process.stdout.write(bashCompletion(program));
    });

  return program;
}

/** A bash completion script for the command tree (commands and their options). */
export function bashCompletion(program: Command): string {
  const words = (cmd: Command): string[] =>
    [...cmd.commands.map((c) => c.name()), ...cmd.options.map((o) => o.long ?? '')].filter(Boolean);
  const cases = program.commands
    .map(
      (c) =>
        `    ${c.name()}) opts="${[...words(c), ...c.commands.flatMap((s) => s.options.map((o) => o.long ?? ''))].join(' ')}" ;;`,
    )
    .join('\n');
  return `# dococr bash completion
_dococr() {
  local cur=\${COMP_WORDS[COMP_CWORD]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    opts="${words(program).join(' ')}"
  else
    case \${COMP_WORDS[1]} in
${cases}
      *) opts="" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -F _dococr dococr
`;
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
