// Trivy's own good/bad manifests per check, run against the matching Bulwark rule
// (test/fixtures/trivy-checks, see its SOURCE.txt).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../test/support/upstream.js";
import { scanKubernetes } from "./index.js";

const DIR = fixturePath("trivy-checks/checks/kubernetes");

// Left out where the semantics differ: protecting_pod_service_account_tokens (Trivy looks at token
// volume mounts, BW-K8S-028 at automountServiceAccountToken), specific_capabilities_added (Trivy
// flags NET_BIND_SERVICE, which current PSS baseline allows) and capabilities_no_drop_all (Trivy
// accepts drop: [all]; PSS restricted compares names exactly and requires "ALL").
const MAP: Record<string, string> = {
  CPU_not_limited: "BW-K8S-022",
  CPU_requests_not_specified: "BW-K8S-021",
  SYS_ADMIN_capability: "BW-K8S-005",
  access_to_host_ports: "BW-K8S-007",
  apparmor_policy_disabled: "BW-K8S-008",
  can_elevate_its_own_privileges: "BW-K8S-015",
  configMap_with_secrets: "BW-K8S-032",
  file_system_not_read_only: "BW-K8S-020",
  host_ipc: "BW-K8S-003",
  host_network: "BW-K8S-001",
  host_pid: "BW-K8S-002",
  hostpath_volumes_mounted: "BW-K8S-006",
  memory_not_limited: "BW-K8S-024",
  memory_requests_not_specified: "BW-K8S-023",
  mounts_docker_socket: "BW-K8S-006",
  non_core_volume_types: "BW-K8S-014",
  non_default_proc_masks_set: "BW-K8S-010",
  privileged: "BW-K8S-004",
  runs_as_root: "BW-K8S-016",
  runtime_default_seccomp_profile_not_set: "BW-K8S-018",
  selinux_custom_options_set: "BW-K8S-009",
  unsafe_sysctl_options_set: "BW-K8S-012",
  uses_image_tag_latest: "BW-K8S-025",
};

describe("Trivy check examples", () => {
  for (const [name, ruleId] of Object.entries(MAP)) {
    it(`${name} → ${ruleId}`, () => {
      const data = parse(readFileSync(join(DIR, `${name}.yaml`), "utf8")) as { kubernetes: { good?: string[]; bad?: string[] } };
      const count = (text: string) => scanKubernetes([{ path: `${name}.yaml`, text }]).filter((f) => f.ruleId === ruleId).length;
      for (const bad of data.kubernetes.bad ?? []) expect(count(bad), bad).toBeGreaterThan(0);
      for (const good of data.kubernetes.good ?? []) expect(count(good), good).toBe(0);
    });
  }
});
