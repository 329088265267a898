import { log } from '@temporalio/activity';
import { inspectImage } from '@dococr/engine';
import type { AuditStore } from '../audit/index.js';
import { digestOf } from '../audit/index.js';
import type { ImageFacts, ImageReader, ImageRef } from './activity-types.js';
import { auditedStep } from './audited-step.js';

export interface ImageActivityDeps {
  blobs: ImageReader;
  audit: AuditStore;
}

export interface CheckImageInput {
  applicationId: string;
  image: ImageRef;
}

export function createImageActivities(deps: ImageActivityDeps) {
  return {
    /**
     * Checks the stored image against the spec's requirements (JPEG/PNG by content, 200..8192 px, 1 MB).
     * A refused image is a non-retryable failure whose type is the API's error code.
     */
    async checkImage(input: CheckImageInput): Promise<ImageFacts> {
      return auditedStep(
        { audit: deps.audit, applicationId: input.applicationId, step: 'checkImage', inputDigest: input.image.sha256 },
        async () => {
          const bytes = await deps.blobs.get(input.image);
          const facts = await inspectImage(bytes, input.image.parameter);
          log.info('image checked', {
            step: 'checkImage',
            mediaType: facts.mediaType,
            width: facts.width,
            height: facts.height,
          });
          const result: ImageFacts = {
            sha256: facts.sha256,
            size: facts.size,
            mediaType: facts.mediaType,
            width: facts.width,
            height: facts.height,
            orientation: facts.orientation,
          };
          return { result, outcome: 'passed', data: { ...result }, outputDigest: digestOf(result) };
        },
      );
    },
  };
}
