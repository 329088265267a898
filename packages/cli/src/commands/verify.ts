import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CliError, ExitCode } from '../exit-codes.js';
import { openStack, type CliContext } from '../context.js';
import { printVerifySummary } from '../output.js';

export interface VerifyFlags {
  docType: string;
  side?: string;
  spoof?: boolean;
  faceQuality?: boolean;
  threshold?: string;
  ocr?: boolean;
  merchantBizId?: string;
  merchantUserId?: string;
  sceneCode?: string;
  provider?: string;
  json?: boolean;
}

const THRESHOLDS: Record<string, string> = {
  standard: '0',
  strict: '1',
  loose: '2',
  off: '3',
  '0': '0',
  '1': '1',
  '2': '2',
  '3': '3',
};
const SIDES: Record<string, string> = { face: 'OCR_ID_FACE', emblem: 'OCR_ID_NATIONAL_EMBLEM' };

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

const csv = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

/**
 * Reads the image argument: a file path, `-` for standard input, or an http(s) URL fetched with the same SSRF guard
 * as the gateway (internal addresses refused unless DOCOCR_URL_ALLOW_HOSTS / DOCOCR_URL_ALLOW_CIDRS name them).
 */
export async function readImageArgument(
  image: string,
  env: Record<string, string | undefined> = {},
): Promise<{ bytes: Uint8Array; parameter: 'IdOcrPictureFile' | 'IdOcrPictureUrl' }> {
  if (image === '-') return { bytes: await readStdin(), parameter: 'IdOcrPictureFile' };
  if (/^https?:\/\//i.test(image)) {
    const core = await import('@dococr/core');
    try {
      const { bytes } = await core.safeFetch(image, {
        maxBytes: core.IMAGE_REQUIREMENTS.maxBytes,
        allowHosts: csv(env.DOCOCR_URL_ALLOW_HOSTS),
        allowCidrs: csv(env.DOCOCR_URL_ALLOW_CIDRS),
      });
      return { bytes, parameter: 'IdOcrPictureUrl' };
    } catch (err) {
      if (core.isDocOcrError(err)) throw new CliError(`${image}: ${err.code}: ${err.message}`, ExitCode.Usage);
      throw err;
    }
  }
  try {
    return { bytes: new Uint8Array(await readFile(image)), parameter: 'IdOcrPictureFile' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new CliError(
        `${image}: no such file`,
        ExitCode.Usage,
        'pass the path of a JPG or PNG image, - for standard input',
      );
    if (code === 'EISDIR') throw new CliError(`${image}: is a folder, not an image`, ExitCode.Usage);
    throw new CliError(`${image}: cannot be read (${code ?? (err as Error).message})`, ExitCode.Usage);
  }
}

/** Builds the DocOcrV2 request of the flags, in the API's wire names, for Core's validation. */
export function wireRequestOf(flags: VerifyFlags, bytes: Uint8Array): Record<string, unknown> {
  const threshold = flags.threshold === undefined ? undefined : THRESHOLDS[flags.threshold.toLowerCase()];
  if (flags.threshold !== undefined && threshold === undefined) {
    throw new CliError(`--threshold ${flags.threshold}: use standard, strict, loose, off or 0-3`, ExitCode.Usage);
  }
  const side = flags.side === undefined ? undefined : SIDES[flags.side.toLowerCase()];
  if (flags.side !== undefined && side === undefined)
    throw new CliError(`--side ${flags.side}: use face or emblem`, ExitCode.Usage);
  return {
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: flags.merchantBizId ?? randomBytes(16).toString('hex'),
    MerchantUserId: flags.merchantUserId ?? 'dococr-cli',
    DocType: flags.docType,
    Ocr: flags.ocr === false ? 'F' : 'T',
    IdFaceQuality: flags.faceQuality ? 'T' : 'F',
    Spoof: flags.spoof ? 'T' : 'F',
    ...(threshold ? { IdThreshold: threshold } : {}),
    ...(side ? { CardSide: side } : {}),
    ...(flags.sceneCode ? { SceneCode: flags.sceneCode } : {}),
    IdOcrPictureFile: bytes,
  };
}

export async function verifyCommand(ctx: CliContext, image: string, flags: VerifyFlags): Promise<number> {
  const provider = flags.provider === 'aliyun' ? 'aliyun' : 'local';
  if (provider === 'aliyun' && (!ctx.env.ALIBABA_CLOUD_ACCESS_KEY_ID || !ctx.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET)) {
    throw new CliError(
      '--provider aliyun needs Alibaba Cloud credentials',
      ExitCode.Usage,
      'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and DOCOCR_ALIYUN_ENDPOINT for another endpoint)',
    );
  }
  const { bytes, parameter } = await readImageArgument(image, ctx.env);
  const core = await import('@dococr/core');
  let request;
  try {
    request = core.parseDocOcrV2Request(wireRequestOf(flags, bytes));
  } catch (err) {
    if (core.isDocOcrError(err)) throw new CliError(`${err.code}: ${err.message}`, ExitCode.Usage);
    throw err;
  }
  const { orchestrator, stack } = await openStack(ctx, {});
  try {
    const run = await orchestrator.executeDocOcr(
      stack,
      request,
      {
        bytes,
        mediaType: 'application/octet-stream',
        parameter,
      },
      { provider },
    );
    const body = run.result.body;
    if (run.result.httpStatus === 200) {
      const { recordPiiAccess } = await import('../pii-access.js');
      await recordPiiAccess(stack.audit, {
        applicationId: request.merchantBizId,
        actor: `cli:${ctx.env.USER ?? 'unknown'}`,
        via: 'cli',
        reason: 'dococr verify printed the response to the person who submitted the document',
        what: ['ExtIdInfo'],
      });
    }
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(body)}\n`);
    } else {
      printVerifySummary(ctx, {
        run,
        uiBase: stack.uiUrl ?? ctx.uiBaseHint,
        namespace: stack.namespace,
        docType: request.docType,
      });
    }
    return run.result.httpStatus === 200 ? ExitCode.Ok : ExitCode.Usage;
  } finally {
    await stack.shutdown();
  }
}
