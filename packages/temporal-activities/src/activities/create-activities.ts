import { createRetentionActivities } from '../compliance/retention-activities.js';
import { createBatchActivities } from './batch-activities.js';
import { createCheckActivities } from './check-activities.js';
import { createEventActivities } from './event-activities.js';
import { createImageActivities, type ImageActivityDeps } from './image-activities.js';
import { createKycActivities } from './kyc-activities.js';
import { createRecogniseActivities, type RecogniseActivityDeps } from './recognise-activities.js';
import { createRemoteActivities, type RemoteActivityDeps } from './remote-activities.js';

export type DocOcrActivityDeps = ImageActivityDeps & RecogniseActivityDeps & RemoteActivityDeps;

/** Every dococr activity, bound to its dependencies. Register the result with a worker (or use the plugin). */
export function createDocOcrActivities(deps: DocOcrActivityDeps) {
  return {
    ...createImageActivities(deps),
    ...createEventActivities(deps),
    ...createRecogniseActivities(deps),
    ...createCheckActivities(deps),
    ...createRemoteActivities(deps),
    ...createKycActivities(deps),
    ...createBatchActivities(deps),
    ...createRetentionActivities(deps),
  };
}

export type DocOcrActivities = ReturnType<typeof createDocOcrActivities>;
