// Admission control (issue 14, section 4): the webhook's decision, its HTTPS server, verdicts by
// digest, and the manifests that install it. docs/admission.md.
export { AdmissionController, BadReview, parseReview, type AdmissionMode, type AdmissionOptions, type AdmissionResponse, type AdmissionReviewOut, type ExtraCheck, type FailMode, type ParsedRequest, type Violation } from "./engine.js";
export { serveAdmission, parseListen, DEFAULT_MAX_BODY, type AdmissionServer, type ServeOptions } from "./server.js";
export { VerdictCache, type VerdictOptions, type ImageVerdict, type ResolvedImage } from "./verdicts.js";
export { ruleSelection, checkPodSecurity, PSS_LEVELS, type PssLevel, type RuleSelection } from "./pss.js";
export { installManifests, makeServingCertificate, rulesByGroup, type InstallOptions, type InstallOutput } from "./install.js";
export { podTemplate, WORKLOAD_RESOURCES, POD_TEMPLATE_PATHS } from "./objects.js";
export { NamespaceLabels, namespacePolicy, type NamespaceLabelOptions, type NamespacePolicy, type LevelLabel, type PssDefaults } from "./namespaces.js";
export { loadPssConfig, parsePssConfig, pssExemption, describeExemption, type PssConfig, type PssExemption, type PssExemptions } from "./pss-config.js";
export { serverInventoryLookup, type InventoryLookup, type ServerLookupOptions } from "./server-lookup.js";
