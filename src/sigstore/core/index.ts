// Sigstore bundle verification core: what the CLI's verify-blob and the cosign layer build on.
export { verifyBundle, MAX_BUNDLE_BYTES, type Artifact, type IdentityPolicy, type KeyPolicy, type VerifyOptions, type VerifyPolicy, type VerifyResult } from "./verify.js";
export {
  loadTrustedRoot, refreshTrustedRoot, parseTrustedRoot, bundledTrustedRootJson, sigstoreCacheDir, PUBLIC_GOOD_TUF_URL,
  type TrustedRoot, type TrustedRootInfo,
} from "./trusted-root.js";
export { VerificationError, isVerificationError, type VerificationCode } from "./errors.js";
