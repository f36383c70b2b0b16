export { constantTimeEqual } from './constant-time.js';
export {
  defaultGrafanaSignatureHeaders,
  defaultGrafanaTimestampHeader,
  type GrafanaSignatureOptions,
  signAuroraPayload,
} from './hmac-signatures.js';
export { defaultSnsHostPattern, isSnsHostUrl } from './sns-hosts.js';
export {
  buildStringToSign,
  type SnsFailure,
  SnsMessageVerifier,
  type SnsVerification,
  type SnsVerifierOptions,
} from './sns-signature.js';
export {
  defaultToleranceSeconds,
  type VerificationFailure,
  type VerificationResult,
  type VerifyOptions,
  type VerifyRequest,
  verifyDelivery,
} from './verify-delivery.js';
