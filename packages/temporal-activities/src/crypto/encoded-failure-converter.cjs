// The failure converter named by createDataConverter's failureConverterPath. Temporal loads it with require() in the
// client and the worker and bundles it into the workflow sandbox, hence CommonJS and no TypeScript: the same file
// serves the sources and the built package. It moves error messages and stack traces into the failure's encoded
// attributes, so the payload codec encrypts them too: messages may quote names or ID numbers.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
