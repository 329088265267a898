import { createEventActivities } from './event-activities.js';
import { createImageActivities, type ImageActivityDeps } from './image-activities.js';

export type DocOcrActivityDeps = ImageActivityDeps;

/** Every dococr activity, bound to its dependencies. Register the result with a worker (or use the plugin). */
export function createDocOcrActivities(deps: DocOcrActivityDeps) {
  return {
    ...createImageActivities(deps),
    ...createEventActivities(deps),
  };
}

export type DocOcrActivities = ReturnType<typeof createDocOcrActivities>;
