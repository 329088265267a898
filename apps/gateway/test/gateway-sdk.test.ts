import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_PARAMETERS,
  IMAGE,
  KEY_ID,
  SDKS,
  sdkDocOcrV2,
  sdkFailure,
  startImageServer,
  startTestGateway,
  type TestGateway,
} from './helpers.js';

let gateway: TestGateway;
let images: Awaited<ReturnType<typeof startImageServer>>;

beforeAll(async () => {
  images = await startImageServer();
  gateway = await startTestGateway({ urlFetch: { allowCidrs: ['127.0.0.1/32'] } });
});

afterAll(async () => {
  await gateway.close();
  await images.close();
});

describe('the official @alicloud/openapi-client against the gateway', () => {
  it('calls DocOcrV2 with a base64 picture and gets a body its models parse', async () => {
    const response = await sdkDocOcrV2(gateway.port, {
      ...BASE_PARAMETERS,
      IdOcrPictureBase64: IMAGE.toString('base64'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.body?.code).toBe('Success');
    expect(response.body?.message).toBe('success');
    expect(response.body?.requestId).toBe(response.headers?.['x-acs-request-id']);
    expect(response.body?.result?.passed).toBe('Y');
    expect(response.body?.result?.subCode).toBe('200');
    expect(response.body?.result?.transactionId).toMatch(/^hksb/);
    expect(JSON.parse(response.body?.result?.extIdInfo ?? '')).toMatchObject({ idFaceQualityScore: 98 });

    const call = gateway.fake.calls.at(-1);
    expect(call?.ctx.accessKeyId).toBe(KEY_ID);
    expect(call?.ctx.image.parameter).toBe('IdOcrPictureBase64');
    expect(Buffer.from(call?.request.idOcrPictureFile as Uint8Array).equals(IMAGE)).toBe(true);
    expect(call?.request.idOcrPictureBase64).toBeUndefined();
    expect(call?.request).toMatchObject({ merchantBizId: 'biz0001', docType: '00000006', ocr: 'T', idThreshold: '3' });
  });

  it('calls DocOcrV2 with a URL, which the gateway downloads and passes on as bytes', async () => {
    const response = await sdkDocOcrV2(gateway.port, {
      ...BASE_PARAMETERS,
      MerchantBizId: 'biz0002',
      IdOcrPictureUrl: images.url('/id.png'),
    });
    expect(response.body?.code).toBe('Success');
    const call = gateway.fake.calls.at(-1);
    expect(call?.ctx.image).toMatchObject({ parameter: 'IdOcrPictureUrl', contentType: 'image/png' });
    expect(Buffer.from(call?.request.idOcrPictureFile as Uint8Array).equals(IMAGE)).toBe(true);
    expect(call?.request.idOcrPictureUrl).toBeUndefined();
  });

  it('answers a wrong secret with SignatureDoesNotMatch', async () => {
    const failure = await sdkFailure(
      sdkDocOcrV2(
        gateway.port,
        { ...BASE_PARAMETERS, IdOcrPictureBase64: IMAGE.toString('base64') },
        { accessKeySecret: 'not-the-secret' },
      ),
    );
    expect(failure.code).toBe('SignatureDoesNotMatch');
    expect(failure.statusCode).toBe(400);
    expect(Object.keys(failure.data).sort()).toEqual([
      'Code',
      'HostId',
      'Message',
      'Recommend',
      'RequestId',
      'statusCode',
    ]);
  });

  it('answers a missing parameter through the SDK with MissingParameter', async () => {
    const { MerchantUserId: _omitted, ...rest } = BASE_PARAMETERS;
    const failure = await sdkFailure(
      sdkDocOcrV2(gateway.port, { ...rest, IdOcrPictureBase64: IMAGE.toString('base64') }),
    );
    expect(failure.code).toBe('MissingParameter');
    expect(failure.statusCode).toBe(400);
    expect(String(failure.data.Message)).toContain('MerchantUserId');
  });

  it('accepts the older HMAC-SHA1 RPC signature (signatureAlgorithm v2), and rejects a wrong secret with it', async () => {
    const parameters = { ...BASE_PARAMETERS, MerchantBizId: 'biz0003', IdOcrPictureBase64: IMAGE.toString('base64') };
    const response = await sdkDocOcrV2(gateway.port, parameters, { signatureAlgorithm: 'v2' });
    expect(response.body?.code).toBe('Success');
    expect(gateway.fake.calls.at(-1)?.ctx.accessKeyId).toBe(KEY_ID);
    const failure = await sdkFailure(
      sdkDocOcrV2(gateway.port, parameters, { signatureAlgorithm: 'v2', accessKeySecret: 'not-the-secret' }),
    );
    expect(failure.code).toBe('SignatureDoesNotMatch');
  });

  it.each(SDKS)('works the same with %s: success, and a wrong secret refused', async (sdk) => {
    const parameters = { ...BASE_PARAMETERS, MerchantBizId: 'biz0004', IdOcrPictureBase64: IMAGE.toString('base64') };
    const response = await sdkDocOcrV2(gateway.port, parameters, { sdk });
    expect(response.statusCode).toBe(200);
    expect(response.body?.result?.passed).toBe('Y');
    const failure = await sdkFailure(sdkDocOcrV2(gateway.port, parameters, { sdk, accessKeySecret: 'wrong' }));
    expect([failure.code, failure.statusCode]).toEqual(['SignatureDoesNotMatch', 400]);
  });
});
