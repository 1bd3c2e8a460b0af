// Kubernetes itself as packages: the API server's version (/version), each node's kubelet and
// kube-proxy versions and its container runtime (node status `nodeInfo`), named as the Go
// modules the advisory databases file them under (k8s.io/kubernetes, containerd, CRI-O, moby),
// so the ordinary matcher checks them against the Go advisories (OSV's Go ecosystem).
import type { Package } from "../model/index.js";
import type { ClusterSnapshot } from "./snapshot.js";

export interface Component {
  /** "kube-apiserver", "kubelet", "kube-proxy", "containerd", "cri-o", "docker". */
  component: string;
  /** As reported ("v1.27.3-eks-a5565ad", "containerd://1.7.2"). */
  reported: string;
  /** The module version matched ("v1.27.3"). */
  version: string;
  /** Go module the advisories name. */
  module: string;
  /** Where it runs: "control plane" or the node names. */
  where: string[];
}

/** "v1.27.3-eks-a5565ad" / "v1.28.3+k3s1" → "v1.27.3"; undefined when it is not a version. */
export function semverCore(v: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? `v${m[1]}.${m[2]}.${m[3]}` : undefined;
}

const RUNTIMES: Record<string, (version: string) => string> = {
  containerd: (v) => (v.startsWith("v2.") ? "github.com/containerd/containerd/v2" : "github.com/containerd/containerd"),
  "cri-o": () => "github.com/cri-o/cri-o",
  docker: () => "github.com/docker/docker",
};

export function componentsOf(snap: ClusterSnapshot): Component[] {
  const byKey = new Map<string, Component>();
  const add = (component: string, reported: string, module: string, where: string, bare = reported): void => {
    const version = semverCore(bare);
    if (!version) return;
    const key = `${component}@${version}`;
    const c = byKey.get(key);
    if (c) {
      if (!c.where.includes(where)) c.where.push(where);
    } else byKey.set(key, { component, reported, version, module, where: [where] });
  };
  if (snap.version) add("kube-apiserver", snap.version.gitVersion, "k8s.io/kubernetes", "control plane");
  for (const node of snap.objects.nodes) {
    const info = (node.status as { nodeInfo?: Record<string, unknown> } | undefined)?.nodeInfo ?? {};
    const name = node.metadata.name;
    if (typeof info.kubeletVersion === "string") add("kubelet", info.kubeletVersion, "k8s.io/kubernetes", name);
    if (typeof info.kubeProxyVersion === "string" && info.kubeProxyVersion) add("kube-proxy", info.kubeProxyVersion, "k8s.io/kubernetes", name);
    if (typeof info.containerRuntimeVersion === "string") {
      const m = /^([a-z-]+):\/\/(.+)$/.exec(info.containerRuntimeVersion);
      const runtime = m?.[1];
      if (m && runtime && RUNTIMES[runtime]) {
        const v = semverCore(m[2]!);
        if (v) add(runtime, info.containerRuntimeVersion, RUNTIMES[runtime](v), name, m[2]!);
      }
    }
  }
  return [...byKey.values()];
}

/** The components as Go packages for the matcher (one per component and version). */
export function componentPackages(components: Component[]): Package[] {
  return components.map((c) => {
    // moby's tags are not Go module versions: the module proxy spells them +incompatible.
    const version = c.module === "github.com/docker/docker" ? `${c.version}+incompatible` : c.version;
    return {
      type: "golang",
      name: c.module,
      version,
      purl: `pkg:golang/${c.module}@${version}`,
      source: null,
      licenses: [],
      locations: [{ path: `${c.component} (${c.where.join(", ")})` }],
      metadata: { component: c.component, reported: c.reported },
    };
  });
}
