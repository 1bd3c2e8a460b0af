// containerd's equivalent of CIS Docker 2.5: registries reached without TLS verification, from
// the CRI plugin's registry.configs/mirrors (config version 2) and hosts.toml files under the
// registry config_path (default /etc/containerd/certs.d).
import type { HostHit, HostRule } from "../types.js";
import { at, CONTAINERD_CONFIG, keyLine, loadToml, table } from "../sources/toml.js";
import { DOCKER_BENCH } from "./helpers.js";

export const containerdInsecureRegistry: HostRule = {
  id: "BW-HOST-050",
  title: "containerd trusts an insecure registry",
  severity: "HIGH",
  remediation: "Remove insecure_skip_verify / skip_verify and plain http:// endpoints; trust the registry's CA with ca_file (config.toml) or ca (hosts.toml) instead",
  references: { cis: "CIS Docker 2.5 (containerd equivalent)", urls: [DOCKER_BENCH, "https://github.com/containerd/containerd/blob/main/docs/hosts.md"] },
  check(ctx) {
    const cfg = ctx.containerd;
    const hits: HostHit[] = [];
    let configPath: string | undefined;
    if (cfg) {
      const plugins = table(cfg.value.plugins);
      for (const cri of ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images"]) {
        const reg = table(at(plugins, cri, "registry"));
        for (const [host, c] of Object.entries(table(reg.configs))) {
          if (at(c, "tls", "insecure_skip_verify") === true) {
            const line = keyLine(cfg.text, "insecure_skip_verify", host);
            hits.push({ message: `registry ${host} is used without certificate verification`, path: cfg.path, ...(line ? { line } : {}), evidence: [`${cfg.path}${line ? ` line ${line}` : ""}: [plugins."${cri}".registry.configs."${host}".tls] insecure_skip_verify = true`] });
          }
        }
        for (const [host, m] of Object.entries(table(reg.mirrors))) {
          const eps = at(m, "endpoint");
          for (const ep of Array.isArray(eps) ? eps : []) {
            if (typeof ep === "string" && /^http:\/\//i.test(ep)) {
              const line = keyLine(cfg.text, "endpoint", host);
              hits.push({ message: `images for ${host} are pulled over plain HTTP from ${ep}`, path: cfg.path, ...(line ? { line } : {}), evidence: [`${cfg.path}${line ? ` line ${line}` : ""}: [plugins."${cri}".registry.mirrors."${host}"] endpoint includes ${ep}`] });
            }
          }
        }
        if (typeof reg.config_path === "string" && reg.config_path) configPath = reg.config_path.split(":")[0];
      }
    }
    const dir = configPath ?? "/etc/containerd/certs.d";
    const hostsFiles = ctx.root.list(dir).map((h) => `${dir}/${h}/hosts.toml`).filter((p) => ctx.root.stat(p)?.isFile);
    if (!cfg && !hostsFiles.length) return { notApplicable: `no ${CONTAINERD_CONFIG} and no hosts.toml under ${dir}` };
    for (const p of hostsFiles) {
      const t = loadToml(ctx.root, p);
      if (!t || "error" in t) continue;
      const check = (where: string, v: unknown): void => {
        const o = table(v);
        if (o.skip_verify === true) {
          const line = keyLine(t.text, "skip_verify", where === "" ? undefined : where);
          hits.push({ message: `${p}: ${where || "server"} is used without certificate verification`, path: p, ...(line ? { line } : {}), evidence: [`${p}${line ? ` line ${line}` : ""}: skip_verify = true`] });
        }
      };
      if (typeof t.value.server === "string" && /^http:\/\//i.test(t.value.server)) {
        const line = keyLine(t.text, "server");
        hits.push({ message: `${p}: images are pulled over plain HTTP from ${t.value.server}`, path: p, ...(line ? { line } : {}), evidence: [`${p}${line ? ` line ${line}` : ""}: server = "${t.value.server}"`] });
      }
      check("", t.value);
      for (const [h, v] of Object.entries(table(t.value.host))) {
        if (/^http:\/\//i.test(h)) hits.push({ message: `${p}: mirror ${h} is plain HTTP`, path: p, evidence: [`${p}: [host."${h}"]`] });
        check(h, v);
      }
    }
    return hits;
  },
};
