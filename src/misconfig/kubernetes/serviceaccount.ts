// Whether a pod gets its service-account token: its own automountServiceAccountToken wins; when
// it does not set one, the ServiceAccount's setting applies (the token is mounted by default).
// The ServiceAccount may be in any file of the scan, so the rules that need this decide late.
import type { ClusterIndex, K8sDoc } from "./context.js";
import { effectiveNamespace, serviceAccountKey } from "./context.js";
import type { Misconfiguration } from "../../model/index.js";
import type { Resource } from "./resource.js";
import { label, line, resourceRef, str } from "./resource.js";
import { podOf } from "./workload.js";

/** What the automount rules need of a workload, taken while it is parsed. */
export interface TokenFact {
  /** "Deployment shop/web". */
  label: string;
  resource: NonNullable<Misconfiguration["resource"]>;
  namespace: string;
  /** The account the pod runs as ("default" when none is named). */
  account: string;
  /** Whether the pod names its account (serviceAccountName or the older serviceAccount). */
  named: boolean;
  /** The pod's own automountServiceAccountToken, if it sets a boolean. */
  podSetting: boolean | undefined;
  /** Lines of the pod's automount field and of its account field (the kind line when absent). */
  automountLine: number | undefined;
  accountLine: number | undefined;
}

const facts = new WeakMap<object, TokenFact | null>();

/** The token facts of a workload, computed once for the rules that share them. */
export function tokenFact(doc: K8sDoc): TokenFact | undefined {
  const { res } = doc;
  let f = facts.get(res);
  if (f === undefined) facts.set(res, (f = readTokenFact(res) ?? null));
  return f ?? undefined;
}

function readTokenFact(res: Resource): TokenFact | undefined {
  const pod = podOf(res);
  if (!pod) return undefined;
  const name = str(pod.spec.serviceAccountName) ?? str(pod.spec.serviceAccount);
  const v = pod.spec.automountServiceAccountToken;
  const field = pod.spec.serviceAccountName !== undefined ? "serviceAccountName" : "serviceAccount";
  return {
    label: label(res),
    resource: resourceRef(res),
    namespace: effectiveNamespace(res),
    account: name || "default",
    named: !!name,
    podSetting: typeof v === "boolean" ? v : undefined,
    automountLine: line(res, [...pod.specPath, "automountServiceAccountToken"]),
    accountLine: line(res, [...pod.specPath, field]),
  };
}

export interface TokenMount {
  mounted: boolean;
  /** Why: "the pod sets automountServiceAccountToken: true", "ServiceAccount shop/web sets ...". */
  because: string;
}

export function tokenMount(f: TokenFact, index: ClusterIndex): TokenMount {
  if (f.podSetting !== undefined) return { mounted: f.podSetting, because: `the pod sets automountServiceAccountToken: ${f.podSetting}` };
  const key = serviceAccountKey(f.namespace, f.account);
  if (!index.serviceAccounts.has(key)) return { mounted: true, because: `neither the pod nor a ServiceAccount ${key} in the scanned files sets automountServiceAccountToken: false` };
  const sa = index.serviceAccounts.get(key);
  if (sa === false) return { mounted: false, because: `ServiceAccount ${key} sets automountServiceAccountToken: false` };
  return { mounted: true, because: sa === true ? `ServiceAccount ${key} sets automountServiceAccountToken: true` : `neither the pod nor ServiceAccount ${key} sets automountServiceAccountToken: false` };
}
