import { createRequire } from 'node:module';
import type * as OpenCvModule from '@techstark/opencv-js';

export type OpenCv = typeof OpenCvModule;

// Kept wrapped: the module object is a thenable that never settles, so a promise must never resolve to it.
let loading: Promise<{ cv: OpenCv }> | undefined;

/** The process-wide OpenCV (WebAssembly) module, initialised on first use (about 0.7 s). */
export function getOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= new Promise<{ cv: OpenCv }>((resolve, reject) => {
    try {
      // The Emscripten build installs process-wide handlers: one rethrows every uncaught exception after printing
      // its own 10 MB source, one aborts on any unhandled rejection. They are not ours to keep in a shared worker.
      const before = {
        uncaughtException: process.listeners('uncaughtException'),
        unhandledRejection: process.listeners('unhandledRejection'),
      };
      const cv = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv & {
        onRuntimeInitialized?: () => void;
      };
      for (const listener of process.listeners('uncaughtException')) {
        if (!before.uncaughtException.includes(listener)) process.removeListener('uncaughtException', listener);
      }
      for (const listener of process.listeners('unhandledRejection')) {
        if (!before.unhandledRejection.includes(listener)) process.removeListener('unhandledRejection', listener);
      }
      if (typeof cv.Mat === 'function') resolve({ cv });
      else cv.onRuntimeInitialized = () => resolve({ cv });
    } catch (error) {
      loading = undefined;
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
  return loading;
}
