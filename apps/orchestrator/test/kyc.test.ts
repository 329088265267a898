import { WorkflowUpdateFailedError } from '@temporalio/client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KYC_RULES_VERSION } from '@dococr/temporal-activities';
import { KYC_CHECKS_VERSION } from '../src/kyc-checks.js';
import { createDocOcrV2Response, type DocOcrClient } from '@dococr/core';
import { SA } from '../src/search-attributes.js';
import { kycResult, kycStatus, reviewKyc, startKyc, type KycDocumentUpload } from '../src/kyc-client.js';
import { kycWorkflowId } from '../src/workflows/kyc.js';
import { faultyRecogniser, newId, sample, sampleEntry, startTestStack, type TestStack } from './stack-fixture.js';

let t: TestStack;
const faults = faultyRecogniser();

/**
 * Alibaba Cloud's DocOcrV2 as seen by the worker, answering what the manifest says the specimen shows: the remote
 * provider's path through kyc is tested without the network (its own client is tested in core and the gateway).
 */
const remoteCalls: string[] = [];
const remote = (): DocOcrClient => ({
  docOcrV2: async (request) => {
    remoteCalls.push(request.merchantBizId);
    return createDocOcrV2Response({
      requestId: 'REMOTE-REQUEST',
      transactionId: 'hksb-remote-1',
      subCode: '200',
      extIdInfo: { ocrIdInfo: sampleEntry('cn-id-face.png').groundTruth.ocrIdInfo as never },
    });
  },
});

beforeAll(async () => {
  t = await startTestStack('kyc', { recogniser: faults.recogniser, remote });
}, 180_000);

afterAll(async () => {
  await t?.stack.shutdown();
}, 60_000);

const USER_ID = 'zhou.mei.1965@example.com';
const doc = (role: string, image: string): KycDocumentUpload => ({ role, ...sample(image) });
const policy = { reviewDeadlineSeconds: 600, requireSamePerson: true, minimumAge: 18 };

/** Polls the status query until the application reaches one of the states. */
async function waitForState(applicationId: string, states: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await kycStatus(t.stack, applicationId);
    if (states.includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`still ${status.state}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The validator's message of a refused update. */
async function refusal(update: Promise<unknown>): Promise<string> {
  const err = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String(((err as Error).cause as Error | undefined)?.message);
}

describe('kyc against a real dev server', () => {
  it('approves a mainland ID card read on both sides, with one verifiable audit chain and no PII in history', async () => {
    const applicationId = newId('A');
    const started = await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-face', 'cn-id-face.png'), doc('id-emblem', 'cn-id-emblem.png')],
      policy,
    });
    expect(started).toMatchObject({ workflowId: `kyc-${applicationId}`, existing: false });
    const result = await kycResult(t.stack, applicationId);
    expect(result).toMatchObject({ state: 'approved', decidedBy: 'automatic', reasons: [], escalated: false });
    expect(result.documents.map((d) => [d.workflowId, d.status, d.subCode])).toEqual([
      [`kyc-${applicationId}-doc-1`, 'read', '200'],
      [`kyc-${applicationId}-doc-2`, 'read', '200'],
    ]);
    const names = result.checks.map((c) => `${c.name}:${String(c.ok)}`);
    expect(names).toEqual(
      expect.arrayContaining(['expiry:true', 'minimumAge:true', 'rules:idNumber.checkCharacter:true']),
    );
    expect(names.some((n) => n.startsWith('engine:'))).toBe(true);

    const events = await t.services.audit.list(applicationId);
    const steps = events.map((e) => `${e.workflowId === started.workflowId ? 'kyc' : 'doc'}:${e.step}`);
    expect(steps[0]).toBe('kyc:received');
    expect(steps.slice(-2)).toEqual(['kyc:crossCheckDocuments', 'kyc:decision']);
    expect(steps.filter((s) => s === 'doc:recogniseDocument')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ outcome: 'approved', reasons: [], engineVersion: KYC_CHECKS_VERSION });
    expect(events.at(-2)?.engineVersion).toBe(KYC_RULES_VERSION);
    await expect(t.services.audit.verify(applicationId)).resolves.toMatchObject({ ok: true, count: events.length });

    const truth = sampleEntry('cn-id-face.png').groundTruth.ocrIdInfo;
    const faceBytes = sample('cn-id-face.png').bytes;
    for (const workflowId of [started.workflowId, `kyc-${applicationId}-doc-1`]) {
      const raw = JSON.stringify(await t.stack.client.workflow.getHandle(workflowId).fetchHistory());
      for (const secret of [USER_ID, truth.idNumber!, truth.name!, faceBytes.subarray(99, 147).toString('base64')]) {
        expect(raw).not.toContain(secret);
      }
      expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
    }
    const description = await t.stack.client.workflow.getHandle(started.workflowId).describe();
    expect(description.typedSearchAttributes.get(SA.decision)).toBe('approved');
    expect(description.typedSearchAttributes.get(SA.kind)).toBe('kyc');

    // The same application id again returns the finished application and starts nothing.
    const again = await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-face', 'cn-id-face.png')],
      policy,
    });
    expect(again).toMatchObject({ existing: true, runId: started.runId, workflowId: started.workflowId });
  });

  it('rejects an applicant under the minimum age with the reason', async () => {
    const applicationId = newId('A');
    await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-face', 'cn-id-face.png')],
      policy: { ...policy, minimumAge: 70 },
    });
    const result = await kycResult(t.stack, applicationId);
    expect(result).toMatchObject({ state: 'rejected', decidedBy: 'automatic' });
    expect(result.reasons).toEqual(['minimumAge: younger than 70 [documents 1]']);
  });

  it('sends two different people to review, refuses bad verdicts, and takes a reviewer approval', async () => {
    const applicationId = newId('A');
    const started = await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-face', 'cn-id-face.png'), doc('hkid', 'hkid-2003.png')],
      policy,
    });
    // While the documents are being read, no review is accepted.
    expect(
      await refusal(reviewKyc(t.stack, applicationId, { decision: 'approve', reviewerId: 'r1', reason: 'too early' })),
    ).toMatch(/not waiting for a review \(state reading\)/);

    // A duplicate start while it runs returns the same run.
    const running = await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-face', 'cn-id-face.png')],
      policy,
    });
    expect(running).toMatchObject({ existing: true, runId: started.runId });

    const inReview = await waitForState(applicationId, ['review', 'approved', 'rejected']);
    expect(inReview.state).toBe('review');
    expect(inReview.reasons).toContain('samePerson.name: names differ [documents 1, 2]');
    expect(inReview.documents.map((d) => d.subCode)).toEqual(['200', '200']);
    expect(JSON.stringify(inReview)).not.toContain(sampleEntry('hkid-2003.png').groundTruth.ocrIdInfo.name);

    for (const [bad, message] of [
      [{ decision: 'maybe', reviewerId: 'r1', reason: 'x' }, /approve' or 'reject/],
      [{ decision: 'approve', reviewerId: ' ', reason: 'x' }, /reviewerId is empty/],
      [{ decision: 'reject', reviewerId: 'r1', reason: '' }, /reason is empty/],
    ] as const) {
      expect(await refusal(reviewKyc(t.stack, applicationId, bad as never))).toMatch(message);
    }
    // Refused updates never reach history.
    const history = await t.stack.client.workflow.getHandle(started.workflowId).fetchHistory();
    const accepted = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
    expect(accepted).toHaveLength(0);

    const status = await reviewKyc(t.stack, applicationId, {
      decision: 'approve',
      reviewerId: 'reviewer-7',
      reason: 'same person, name romanised differently',
    });
    expect(status).toMatchObject({ state: 'approved', reviewer: { reviewerId: 'reviewer-7', decision: 'approve' } });
    const result = await kycResult(t.stack, applicationId);
    expect(result).toMatchObject({ state: 'approved', decidedBy: 'reviewer', escalated: false });
    const events = await t.services.audit.list(applicationId);
    expect(events.at(-1)).toMatchObject({
      step: 'review',
      outcome: 'approved',
      actor: 'reviewer:reviewer-7',
      reasons: ['same person, name romanised differently'],
    });
    expect(events.find((e) => e.step === 'decision' && e.workflowId === started.workflowId)?.outcome).toBe('review');
    await expect(t.services.audit.verify(applicationId)).resolves.toMatchObject({ ok: true });
  });

  it('escalates a review nobody answers within the deadline, then takes the decision of whoever gets it', async () => {
    const applicationId = newId('A');
    const started = await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-face', 'cn-id-face.png'), doc('hkid', 'hkid-2003.png')],
      policy: { ...policy, reviewDeadlineSeconds: 2 },
    });
    const escalated = await waitForState(applicationId, ['escalated', 'approved', 'rejected']);
    expect(escalated).toMatchObject({ state: 'escalated', escalated: true });
    const handle = t.stack.client.workflow.getHandle(started.workflowId);
    expect((await handle.describe()).typedSearchAttributes.get(SA.decision)).toBe('escalated');
    const escalation = (await t.services.audit.list(applicationId)).find((e) => e.step === 'escalation');
    expect(escalation).toMatchObject({ outcome: 'escalated', reasons: ['no review within 2 s'] });

    await reviewKyc(t.stack, applicationId, {
      decision: 'reject',
      reviewerId: 'lead-2',
      reason: 'not the same person',
    });
    const result = await kycResult(t.stack, applicationId);
    expect(result).toMatchObject({ state: 'rejected', decidedBy: 'reviewer', escalated: true });
    expect((await handle.describe()).typedSearchAttributes.get(SA.decision)).toBe('rejected');
    const last = (await t.services.audit.list(applicationId)).at(-1);
    expect(last).toMatchObject({ step: 'review', outcome: 'rejected', data: { escalated: true } });
  });

  it('rejects an application whose image the API refuses, with the code, and reads nothing more of it', async () => {
    const applicationId = newId('A');
    const tiny = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#999' } })
      .png()
      .toBuffer();
    await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [{ role: 'id-face', bytes: tiny, mediaType: 'image/png', docType: '00000001' }],
      policy,
    });
    const result = await kycResult(t.stack, applicationId);
    expect(result).toMatchObject({ state: 'rejected', decidedBy: 'automatic' });
    expect(result.documents).toMatchObject([{ status: 'refused', httpStatus: 400, code: 'InvalidParameter' }]);
    expect(result.reasons).toEqual(['document 1 (id-face): refused with InvalidParameter']);
    const steps = (await t.services.audit.list(applicationId)).map((e) => e.step);
    expect(steps).not.toContain('recogniseDocument');
    expect(steps).not.toContain('crossCheckDocuments');
  });

  it('sends an application whose document could not be processed to review', async () => {
    const applicationId = newId('A');
    faults.failAlways.add(applicationId);
    await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-emblem', 'cn-id-emblem.png')],
      policy,
    });
    const status = await waitForState(applicationId, ['review', 'approved', 'rejected']);
    expect(status).toMatchObject({
      state: 'review',
      documents: [{ status: 'error' }],
      // With no document read, the minimum age cannot be established either.
      reasons: ['document 1 (id-emblem): could not be processed', 'minimumAge: no birth date read'],
    });
    await reviewKyc(t.stack, applicationId, { decision: 'reject', reviewerId: 'r2', reason: 'send a new photo' });
    await expect(kycResult(t.stack, applicationId)).resolves.toMatchObject({
      state: 'rejected',
      decidedBy: 'reviewer',
    });
  });

  it('reads the documents with the remote provider when asked, and cross-checks its answer the same way', async () => {
    const applicationId = newId('A');
    await startKyc(t.stack, {
      applicationId,
      merchantUserId: USER_ID,
      documents: [doc('id-face', 'cn-id-face.png')],
      policy,
      provider: 'aliyun',
    });
    const result = await kycResult(t.stack, applicationId);
    expect(remoteCalls).toEqual([applicationId]);
    expect(result).toMatchObject({ state: 'approved', documents: [{ status: 'read', subCode: '200' }] });
    expect(result.checks.map((c) => `${c.name}:${String(c.ok)}`)).toEqual(
      expect.arrayContaining(['minimumAge:true', 'rules:idNumber.checkCharacter:true']),
    );
    const steps = (await t.services.audit.list(applicationId)).map((e) => e.step);
    expect(steps).toContain('callRemoteDocOcr');
    expect(steps).not.toContain('recogniseDocument');
  });

  it('refuses an application that cannot start before storing anything', async () => {
    const documents = [doc('id-face', 'cn-id-face.png')];
    for (const bad of [
      { applicationId: 'A-1', documents, policy },
      { applicationId: newId('A'), documents: [], policy },
      { applicationId: newId('A'), documents, policy: { ...policy, reviewDeadlineSeconds: 0 } },
      { applicationId: newId('A'), documents, policy: { ...policy, minimumAge: 17.5 } },
    ]) {
      await expect(startKyc(t.stack, { ...bad, merchantUserId: USER_ID })).rejects.toMatchObject({
        code: 'InvalidParameter',
      });
    }
    expect(kycWorkflowId('A1')).toBe('kyc-A1');
  });
});
