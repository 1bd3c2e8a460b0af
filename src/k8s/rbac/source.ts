// Where the RBAC analysis gets its objects: files (manifests or a JSON snapshot) or a live cluster.
import { UserError } from "../../errors.js";
import { loadObjects, type K8sObject } from "./objects.js";

export type K8sSource = { paths: string[] } | { kubeconfig?: string | undefined; context?: string | undefined };

/** A live reader, plugged in by the cluster collector (k8s scan) when it is built in. */
let liveReader: ((opts: { kubeconfig?: string | undefined; context?: string | undefined }) => Promise<K8sObject[]>) | undefined;

export function setLiveReader(reader: typeof liveReader): void {
  liveReader = reader;
}

export async function loadK8sObjects(source: K8sSource): Promise<K8sObject[]> {
  if ("paths" in source) return loadObjects(source.paths);
  if (!liveReader) throw new UserError("USAGE", "reading a live cluster is not available in this build: pass --from with manifests or a JSON snapshot");
  return liveReader(source);
}
