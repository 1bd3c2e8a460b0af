// Key-based image signatures and attestations in cosign's layouts (sign, attest, verify,
// verify-attestation, generate-key-pair). Keyless verification plugs in through `bundleVerifier`.
export { generateKeyPair, loadPrivateKey, loadPublicKey, publicKeyPem, keyHint, encryptPrivateKey, decryptPrivateKey, SIGSTORE_KEY_PEM, type GeneratedKeyPair } from "./keys.js";
export { COSIGN, PREDICATE_TYPES, predicateTypeUri, digestTag, simpleSigningPayload, pae, type DsseEnvelope, type InTotoStatement } from "./layout.js";
export { signImage, attestImage, type SignOptions, type SignResult, type AttestOptions, type AttestResult } from "./sign.js";
export {
  verifyImageSignatures, verifyImageAttestations, verifyBundle, verifyDsse,
  type VerifyPolicy, type VerifyOptions, type BundleVerifier, type BundleContext, type SignatureCheck, type ImageVerification,
  type AttestationCheck, type AttestationVerification, type AttestationVerifyOptions,
} from "./verify.js";
export { attestedSbom } from "./sbom.js";
export { cosignPolicyVerifier, type CosignPolicyVerifier } from "./supply-chain.js";
export { keylessBundleVerifier, verifyLegacyKeylessSignature } from "./keyless.js";
export { legacyKeylessBundle, LEGACY_BUNDLE_MEDIA_TYPE, MAX_LEGACY_ANNOTATION } from "./legacy-keyless.js";
