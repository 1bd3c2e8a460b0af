// The trusted-source image policy: load, validate, check images, show results.
export { loadPolicy, parsePolicy, MAX_POLICY_BYTES } from "./load.js";
export { checkPolicy, applyExceptions, rootUser, NO_VERIFIER, type PolicyCheckOptions } from "./check.js";
export { compileGlob, type NameGlob } from "./glob.js";
export { formatPolicyTable } from "./format.js";
export { POLICY_SCHEMA, ATTESTATION_TYPES } from "./schema.js";
export * from "./types.js";
