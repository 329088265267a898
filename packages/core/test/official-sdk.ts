import OpenApiClient04, * as $OpenApi04 from '@alicloud/openapi-client';
import OpenApiCore, * as $OpenApiCore from '@alicloud/openapi-core';

/**
 * Drives the official Alibaba Cloud generic clients the way the generated cloudauth-intl SDK's `docOcrV2WithOptions`
 * does: each parameter that is set goes into the query map, except the picture, which goes into the form body map.
 * The lists are written out here from the wire note, not taken from the client under test.
 */
const SDK_QUERY_PARAMETERS = [
  'CardSide',
  'DocType',
  'IdFaceQuality',
  'IdOcrPictureUrl',
  'IdThreshold',
  'MerchantBizId',
  'MerchantUserId',
  'Ocr',
  'ProductCode',
  'SceneCode',
  'Spoof',
] as const;
const SDK_BODY_PARAMETERS = ['IdOcrPictureBase64'] as const;

export type OfficialSdk = '@alicloud/openapi-client@0.4.15' | '@alicloud/openapi-core@1.0.8';
export const OFFICIAL_SDKS: readonly OfficialSdk[] = [
  '@alicloud/openapi-client@0.4.15',
  '@alicloud/openapi-core@1.0.8',
];

export interface OfficialCall {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** PascalCase wire parameters, as a caller of the generated SDK sets them on its request model. */
  parameters: Readonly<Record<string, string | undefined>>;
}

// Under Node's ESM loader the default import of these CommonJS packages is `module.exports`, whose `default` is the
// client class; vitest's loader already unwraps it. Accept both.
function clientClass<T>(imported: unknown): T {
  const m = imported as { default?: unknown };
  return (typeof m === 'function' ? m : m.default) as T;
}

const CALL = {
  action: 'DocOcrV2',
  version: '2022-08-09',
  protocol: 'HTTPS',
  pathname: '/',
  method: 'POST',
  authType: 'AK',
  style: 'RPC',
  reqBodyType: 'formData',
  bodyType: 'json',
};

export async function callOfficialSdk(sdk: OfficialSdk, call: OfficialCall): Promise<Record<string, unknown>> {
  const query: Record<string, string> = {};
  const body: Record<string, string> = {};
  for (const name of SDK_QUERY_PARAMETERS) {
    const value = call.parameters[name];
    if (value !== undefined) query[name] = value;
  }
  for (const name of SDK_BODY_PARAMETERS) {
    const value = call.parameters[name];
    if (value !== undefined) body[name] = value;
  }
  const config = {
    accessKeyId: call.accessKeyId,
    accessKeySecret: call.accessKeySecret,
    ...(call.securityToken ? { securityToken: call.securityToken } : {}),
    endpoint: call.endpoint,
    protocol: 'HTTP',
    readTimeout: 5000,
    connectTimeout: 5000,
  };
  if (sdk === '@alicloud/openapi-client@0.4.15') {
    const Client = clientClass<typeof OpenApiClient04.default>(OpenApiClient04);
    const client = new Client(new $OpenApi04.Config(config));
    const result = await client.callApi(
      new $OpenApi04.Params(CALL),
      new $OpenApi04.OpenApiRequest({ query, body }),
      {} as Parameters<typeof client.callApi>[2],
    );
    return result.body as Record<string, unknown>;
  }
  const Client = clientClass<typeof OpenApiCore.default>(OpenApiCore);
  const util = $OpenApiCore.$OpenApiUtil;
  const client = new Client(new util.Config(config));
  const result = await client.callApi(
    new util.Params(CALL),
    new util.OpenApiRequest({ query, body }),
    {} as Parameters<typeof client.callApi>[2],
  );
  return result.body as Record<string, unknown>;
}
