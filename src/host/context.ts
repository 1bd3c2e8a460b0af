// What the rules read, loaded once per run: the root's files, Docker's and the kubelet's
// settings, audit rules, containerd's and CRI-O's configuration.
import { HostRoot } from "./rootfs.js";
import { loadAuditRules, type AuditRules } from "./sources/audit.js";
import { loadDocker, type DockerConfig } from "./sources/docker.js";
import { loadKubelet, type KubeletConfig } from "./sources/kubelet.js";
import { CONTAINERD_CONFIG, loadCrio, loadToml, type TomlFile } from "./sources/toml.js";
import type { HostNote } from "./types.js";

export class HostContext {
  readonly root: HostRoot;
  readonly notes: HostNote[] = [];
  private cache = new Map<string, unknown>();

  constructor(rootDir: string, readonly live: boolean) {
    this.root = new HostRoot(rootDir);
  }

  private once<T>(key: string, load: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, load());
    return this.cache.get(key) as T;
  }

  get docker(): DockerConfig {
    return this.once("docker", () => {
      const d = loadDocker(this.root, this.live);
      if (d.daemonJsonError) this.notes.push({ message: `${d.daemonJsonPath} is not valid JSON (${d.daemonJsonError}); dockerd refuses to start with it, and its settings were not checked` });
      return d;
    });
  }

  get kubelet(): KubeletConfig {
    return this.once("kubelet", () => {
      const k = loadKubelet(this.root, this.live);
      if (k.configError) this.notes.push({ message: `kubelet config file not checked: ${k.configError}` });
      return k;
    });
  }

  get audit(): AuditRules {
    return this.once("audit", () => loadAuditRules(this.root));
  }

  get containerd(): TomlFile | null {
    return this.once("containerd", () => {
      const t = loadToml(this.root, CONTAINERD_CONFIG);
      if (t && "error" in t) {
        this.notes.push({ message: `${CONTAINERD_CONFIG} is not valid TOML (${t.error}); not checked` });
        return null;
      }
      return t;
    });
  }

  get crio(): TomlFile[] {
    return this.once("crio", () => {
      const c = loadCrio(this.root);
      for (const e of c.errors) this.notes.push({ message: `CRI-O configuration not valid TOML, not checked: ${e}` });
      return c.files;
    });
  }
}
