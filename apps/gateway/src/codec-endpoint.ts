import type { DataConverter } from '@temporalio/client';
import { InvalidParameterError } from '@dococr/core';
import { z } from 'zod';

/** Temporal's PayloadCodec, as the client package exposes it (encrypting codec of the worker, for instance). */
export type PayloadCodec = NonNullable<DataConverter['payloadCodecs']>[number];
type Payload = Parameters<PayloadCodec['encode']>[0][number];

/** Payloads as Temporal's codec-server protocol carries them: proto3 JSON, bytes in base64. */
const codecBodySchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string()).nullish(),
      data: z.string().nullish(),
    }),
  ),
});

type JsonPayload = { metadata: Record<string, string>; data: string };

function fromJson(payload: z.infer<typeof codecBodySchema>['payloads'][number]): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = Buffer.from(value, 'base64');
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** Runs `encode` or `decode` of `codec` on a codec-server request body (`{ payloads: [...] }`). */
export async function runCodec(
  codec: PayloadCodec,
  operation: 'encode' | 'decode',
  body: Uint8Array | undefined,
): Promise<{ payloads: JsonPayload[] }> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body ?? new Uint8Array()).toString('utf8'));
  } catch {
    throw new InvalidParameterError('payloads', 'the body is not JSON.');
  }
  const parsed = codecBodySchema.safeParse(json);
  if (!parsed.success) throw new InvalidParameterError('payloads', 'expected { "payloads": [...] }.');
  const payloads = parsed.data.payloads.map(fromJson);
  const result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
  return { payloads: result.map(toJson) };
}
