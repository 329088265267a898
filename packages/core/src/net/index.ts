export {
  createAddressPolicy,
  isPublicAddress,
  type AddressPolicy,
  type AddressPolicyOptions,
  type AddressVerdict,
} from './address-policy.js';
export {
  safeFetch,
  type ResolvedAddress,
  type SafeFetchLookup,
  type SafeFetchOptions,
  type SafeFetchResult,
} from './safe-fetch.js';
export { DownloadTimeoutError, ResponseTooLargeError } from './safe-fetch-errors.js';
