// Registry credentials from the pods' imagePullSecrets (and their ServiceAccounts'), used only
// when the user asks (`--use-pull-secrets`): reading Secrets is a privilege the scan does not
// otherwise need. A secret is read once, kept in memory only for the image scans, and never
// printed: errors name the secret, not its content.
import { isDockerHub, parseReference } from "../image/registry/reference.js";
import type { KubeClient } from "./client.js";
import { statusMessage } from "./client.js";
import type { ClusterSnapshot, K8sObject } from "./snapshot.js";

export interface RegistryCredential {
  username: string;
  password: string;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const names = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => obj(x).name).filter((n): n is string => typeof n === "string" && n !== "") : []);

/** "https://index.docker.io/v1/" → "index.docker.io"; "registry:5000/path" → "registry:5000". */
function hostOf(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, "").split("/")[0]!.toLowerCase();
}

/** Credentials per registry host from a kubernetes.io/dockerconfigjson or dockercfg Secret. */
export function credentialsOfSecret(secret: Record<string, unknown>): Map<string, RegistryCredential> {
  const out = new Map<string, RegistryCredential>();
  const data = obj(secret.data);
  const raw = typeof data[".dockerconfigjson"] === "string" ? data[".dockerconfigjson"] : typeof data[".dockercfg"] === "string" ? data[".dockercfg"] : undefined;
  if (raw === undefined) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw as string, "base64").toString("utf8"));
  } catch {
    return out;
  }
  const auths = obj(obj(parsed).auths ?? parsed);
  for (const [key, value] of Object.entries(auths)) {
    const v = obj(value);
    let username = typeof v.username === "string" ? v.username : undefined;
    let password = typeof v.password === "string" ? v.password : undefined;
    if ((!username || password === undefined) && typeof v.auth === "string") {
      const decoded = Buffer.from(v.auth, "base64").toString("utf8");
      const i = decoded.indexOf(":");
      if (i > 0) [username, password] = [decoded.slice(0, i), decoded.slice(i + 1)];
    }
    if (username && password !== undefined) out.set(hostOf(key), { username, password });
  }
  return out;
}

/** The pull-secret names a pod may use: its own, then its ServiceAccount's. */
export function pullSecretNames(pod: K8sObject, snap: ClusterSnapshot): string[] {
  const spec = obj(pod.spec);
  const ns = pod.metadata.namespace ?? "default";
  const saName = String(spec.serviceAccountName ?? spec.serviceAccount ?? "default");
  const sa = snap.objects.serviceAccounts.find((s) => s.metadata.namespace === ns && s.metadata.name === saName);
  return [...new Set([...names(spec.imagePullSecrets), ...names(sa?.imagePullSecrets)])];
}

/**
 * For each pull reference, the first credential its pods' secrets hold for its registry.
 * `refs`: pull reference → the pods that run it. Problems reading a secret go to `warn`.
 */
export async function credentialsFor(client: KubeClient, snap: ClusterSnapshot, refs: Map<string, K8sObject[]>, warn: (message: string) => void): Promise<Map<string, RegistryCredential>> {
  const secrets = new Map<string, Promise<Map<string, RegistryCredential>>>();
  const read = (ns: string, name: string): Promise<Map<string, RegistryCredential>> => {
    const key = `${ns}/${name}`;
    let p = secrets.get(key);
    if (!p) {
      p = (async () => {
        try {
          const r = await client.get(`/api/v1/namespaces/${encodeURIComponent(ns)}/secrets/${encodeURIComponent(name)}`);
          if (r.status !== 200) {
            warn(`pull secret ${key}: HTTP ${r.status}: ${statusMessage(r.body)}`);
            return new Map();
          }
          return credentialsOfSecret(obj(r.body));
        } catch (e) {
          warn(`pull secret ${key}: ${(e as Error).message}`);
          return new Map();
        }
      })();
      secrets.set(key, p);
    }
    return p;
  };
  const out = new Map<string, RegistryCredential>();
  for (const [ref, pods] of refs) {
    let registry: string;
    try {
      registry = parseReference(ref).registry.toLowerCase();
    } catch {
      continue;
    }
    const hub = isDockerHub(registry);
    search: for (const pod of pods) {
      for (const name of pullSecretNames(pod, snap)) {
        const creds = await read(pod.metadata.namespace ?? "default", name);
        for (const [host, c] of creds) {
          if (host === registry || (hub && isDockerHub(host))) {
            out.set(ref, c);
            break search;
          }
        }
      }
    }
  }
  return out;
}
