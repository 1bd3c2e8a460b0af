// CRI-O (and podman, through containers-registries.conf): registries reached without TLS
// verification. crio.conf [crio.image] insecure_registries, and [[registry]] insecure = true.
import type { HostHit, HostRule } from "../types.js";
import { crioSetting, keyLine, loadToml } from "../sources/toml.js";
import { DOCKER_BENCH } from "./helpers.js";

export const REGISTRIES_CONF = "/etc/containers/registries.conf";

export const crioInsecureRegistries: HostRule = {
  id: "BW-HOST-053",
  title: "CRI-O or podman trusts an insecure registry",
  severity: "HIGH",
  remediation: "Remove insecure_registries from crio.conf and insecure = true from registries.conf; trust the registry's CA under /etc/containers/certs.d/HOST/ instead",
  references: { cis: "CIS Docker 2.5 (CRI-O equivalent)", urls: [DOCKER_BENCH, "https://github.com/containers/image/blob/main/docs/containers-registries.conf.5.md"] },
  check(ctx) {
    const files = ctx.crio;
    const reg = loadToml(ctx.root, REGISTRIES_CONF);
    if (!files.length && !reg) return { notApplicable: `no CRI-O configuration and no ${REGISTRIES_CONF}` };
    const hits: HostHit[] = [];
    const s = crioSetting(files, "image", "insecure_registries");
    if (s && Array.isArray(s.value)) {
      for (const r of s.value) hits.push({ message: `CRI-O pulls from ${String(r)} without TLS verification`, path: s.file.path, ...(s.line ? { line: s.line } : {}), evidence: [`${s.file.path}${s.line ? ` line ${s.line}` : ""}: [crio.image] insecure_registries includes ${JSON.stringify(r)}`] });
    }
    if (reg && !("error" in reg)) {
      const list = Array.isArray(reg.value.registry) ? (reg.value.registry as Record<string, unknown>[]) : [];
      for (const r of list) {
        if (r.insecure !== true) continue;
        const where = typeof r.location === "string" ? r.location : typeof r.prefix === "string" ? r.prefix : "?";
        const line = keyLine(reg.text, "insecure", where);
        hits.push({ message: `registry ${where} is used without TLS verification`, path: REGISTRIES_CONF, ...(line ? { line } : {}), evidence: [`${REGISTRIES_CONF}${line ? ` line ${line}` : ""}: [[registry]] location = "${where}", insecure = true`] });
      }
    }
    return hits;
  },
};
