// Linux capability names, shared by the Kubernetes and Compose capability rules.
import { asArray, str } from "./resource.js";

/** These give near-root control of the node, so adding any of them is reported as HIGH. */
export const DANGEROUS_CAPABILITIES = new Set(["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "NET_ADMIN", "BPF", "DAC_READ_SEARCH", "SYS_BOOT"]);

/** "cap_sys_admin" → "SYS_ADMIN". */
export function normalizeCap(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, "");
}

/** The non-empty capability names of a `capabilities.add`/`drop` list, normalised. */
export function capabilityNames(v: unknown): string[] {
  return asArray(v).map(str).filter((x): x is string => !!x).map(normalizeCap);
}
