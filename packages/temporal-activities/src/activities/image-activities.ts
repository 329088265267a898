import { log } from '@temporalio/activity';
import { inspectImage } from '@dococr/engine';
import type { ImageFacts, ImageReader, ImageRef } from './activity-types.js';
import { withFailureMapping } from './failures.js';

export interface ImageActivityDeps {
  blobs: ImageReader;
}

export function createImageActivities(deps: ImageActivityDeps) {
  return {
    /**
     * Checks the stored image against the spec's requirements (JPEG/PNG by content, 200..8192 px, 1 MB).
     * A refused image is a non-retryable failure whose type is the API's error code.
     */
    async checkImage(image: ImageRef): Promise<ImageFacts> {
      return withFailureMapping(async () => {
        const bytes = await deps.blobs.get(image);
        const facts = await inspectImage(bytes, image.parameter);
        log.info('image checked', {
          step: 'checkImage',
          mediaType: facts.mediaType,
          width: facts.width,
          height: facts.height,
        });
        return {
          sha256: facts.sha256,
          size: facts.size,
          mediaType: facts.mediaType,
          width: facts.width,
          height: facts.height,
          orientation: facts.orientation,
        };
      });
    },
  };
}
