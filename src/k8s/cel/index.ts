// Users' own rules in CEL: ValidatingAdmissionPolicy evaluated offline.
export { celPolicySet, compilePolicy, evaluateCelPolicies, loadCelPolicies, toCelInput, type CelContext, type CelPolicySet, type CelViolation, type Operation } from "./policy.js";
export { kubernetesFunctions, parseQuantity } from "./k8s-lib.js";
export { addCelFindings, celFindings, celMisconfigurations, SEVERITY_ANNOTATION, TITLE_ANNOTATION } from "./config.js";
