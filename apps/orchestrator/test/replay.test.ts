import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseDocOcrV2Request } from '@dococr/core';
import { batchResult, startBatch } from '../src/batch-client.js';
import { kycResult, kycStatus, reviewKyc, startKyc } from '../src/kyc-client.js';
import { executeDocOcr, type Stack } from '../src/stack.js';
import { newId, sample, startTestStack } from './stack-fixture.js';

/**
 * Recorded histories of every workflow, replayed against today's workflow code: a change that would break running
 * workflows (a step added, removed or reordered) fails here. `RECORD_HISTORIES=1 npx vitest run test/replay.test.ts`
 * records them again from a dev server; do that only for a change meant to be incompatible, with a new workflow
 * version for the runs in flight. Recorded without the payload codec (specimen data only), so no key is needed.
 */
const HISTORIES = fileURLToPath(new URL('./histories/', import.meta.url));
const RECORD = process.env.RECORD_HISTORIES === '1';
const EXPECTED = [
  'batch-run1',
  'batch-run2',
  'docOcr-all-checks',
  'docOcr-read',
  'docOcr-refused',
  'kyc-approved',
  'kyc-escalated',
  'kyc-reviewed',
];

function replayOptions(workflowsPath: string): ReplayWorkerOptions {
  return {
    workflowsPath,
    bundlerOptions: {
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } },
      }),
    },
  };
}

function recorded(names = EXPECTED) {
  return names.map((name) => ({
    workflowId: name,
    history: historyFromJSON(JSON.parse(readFileSync(`${HISTORIES}${name}.json`, 'utf8'))),
  }));
}

async function save(stack: Stack, name: string, workflowId: string, runId?: string) {
  const history = await stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
  writeFileSync(`${HISTORIES}${name}.json`, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
}

async function waitForState(stack: Stack, applicationId: string, state: string) {
  for (let i = 0; (await kycStatus(stack, applicationId)).state !== state; i++) {
    if (i > 600) throw new Error(`never reached ${state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function recordAll() {
  const { stack } = await startTestStack('record', { plainPayloads: true });
  try {
    const tiny = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    const request = (docType: string, cardSide?: string) =>
      parseDocOcrV2Request({
        ProductCode: 'ID_OCR_MIN',
        MerchantBizId: newId('R'),
        MerchantUserId: 'recorder@example.com',
        DocType: docType,
        Ocr: 'T',
        ...(cardSide ? { CardSide: cardSide } : {}),
        IdOcrPictureBase64: 'iVBORw0KGgo=',
      });
    const emblem = sample('cn-id-emblem.png');
    const read = await executeDocOcr(stack, request('00000001', 'OCR_ID_NATIONAL_EMBLEM'), {
      ...emblem,
      parameter: 'IdOcrPictureFile',
    });
    await save(stack, 'docOcr-read', read.workflowId);
    const checked = await executeDocOcr(
      stack,
      parseDocOcrV2Request({
        ProductCode: 'ID_OCR_MIN',
        MerchantBizId: newId('R'),
        MerchantUserId: 'recorder@example.com',
        DocType: '00000001',
        Ocr: 'T',
        CardSide: 'OCR_ID_FACE',
        IdThreshold: '0',
        Spoof: 'T',
        IdFaceQuality: 'T',
        IdOcrPictureBase64: 'iVBORw0KGgo=',
      }),
      { ...sample('cn-id-face.png'), parameter: 'IdOcrPictureFile' },
    );
    await save(stack, 'docOcr-all-checks', checked.workflowId);
    const refused = await executeDocOcr(stack, request('00000001'), {
      bytes: tiny,
      mediaType: 'image/png',
      parameter: 'IdOcrPictureFile',
    });
    await save(stack, 'docOcr-refused', refused.workflowId);

    const policy = { reviewDeadlineSeconds: 600, requireSamePerson: true, minimumAge: 18 };
    const face = { role: 'id-face', ...sample('cn-id-face.png') };
    const other = { role: 'hkid', ...sample('hkid-2003.png') };
    const kycRun = async (name: string, documents: (typeof face)[], deadline: number) => {
      const applicationId = newId('K');
      const started = await startKyc(stack, {
        applicationId,
        merchantUserId: 'recorder@example.com',
        documents,
        policy: { ...policy, reviewDeadlineSeconds: deadline },
      });
      if (name === 'kyc-reviewed') {
        await waitForState(stack, applicationId, 'review');
        await reviewKyc(stack, applicationId, { decision: 'approve', reviewerId: 'r1', reason: 'checked by hand' });
      } else if (name === 'kyc-escalated') {
        await waitForState(stack, applicationId, 'escalated');
        await reviewKyc(stack, applicationId, { decision: 'reject', reviewerId: 'lead', reason: 'not the same' });
      }
      await kycResult(stack, applicationId);
      await save(stack, name, started.workflowId);
    };
    await kycRun('kyc-approved', [face, { role: 'id-emblem', ...emblem }], 600);
    await kycRun('kyc-reviewed', [face, other], 600);
    await kycRun('kyc-escalated', [face, other], 2);

    const batchId = newId('B');
    const tinyItem = (key: string) => ({ key, bytes: tiny, mediaType: 'image/png', docType: '00000001' });
    const batch = await startBatch(stack, {
      batchId,
      merchantUserId: 'recorder@example.com',
      items: [tinyItem('a'), tinyItem('b'), { key: 'c', ...emblem }],
      concurrency: 2,
      itemsPerRun: 2,
    });
    await batchResult(stack, batchId);
    await save(stack, 'batch-run1', batch.workflowId, batch.runId);
    await save(stack, 'batch-run2', batch.workflowId);
  } finally {
    await stack.shutdown();
  }
}

describe.runIf(RECORD)('recording histories', () => {
  it('records every workflow from a dev server', recordAll, 300_000);
});

describe('replaying recorded histories', () => {
  it('has a history of every workflow and path', () => {
    const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(EXPECTED);
  });

  it("replays them all with today's workflow code", async () => {
    const path = fileURLToPath(new URL('../src/workflows/index.ts', import.meta.url));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(replayOptions(path), recorded())) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('fails a change that would break running workflows', async () => {
    const path = fileURLToPath(new URL('./fixtures/changed-workflows.ts', import.meta.url));
    const results = [];
    for await (const result of Worker.runReplayHistories(
      replayOptions(path),
      recorded(['kyc-approved', 'docOcr-read']),
    )) {
      results.push(result);
    }
    expect(results.find((r) => r.workflowId === 'kyc-approved')?.error).toBeInstanceOf(DeterminismViolationError);
    expect(results.find((r) => r.workflowId === 'docOcr-read')?.error).toBeUndefined();
  }, 120_000);
});
