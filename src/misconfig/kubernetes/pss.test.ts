// Pod Security Standards as the admission controller applies them, per policy version: the
// upstream pass/fail fixtures (testdata/pod-security-admission, see its SOURCE.txt), the same pod
// under different pinned versions, and the version named in every PSS finding.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubernetesRules, parsePssVersion, PSS_CONTROLS, PSS_LATEST, pssVersion, scanKubernetes } from "./index.js";
import { podYaml } from "./checks.js";

const FIXTURES = new URL("./testdata/pod-security-admission/", import.meta.url).pathname;

type Level = "baseline" | "restricted";

/** Findings of PSS rules of `level` (restricted includes baseline) at policy version v1.`minor`. */
function pssFindings(text: string, minor: number, level: Level) {
  return scanKubernetes([{ path: "pod.yaml", text }], { pss: pssVersion(minor) }).filter((f) => f.references.pss && (level === "restricted" || f.references.pss.level === "baseline"));
}

/** Which rules stand for an upstream check, by the fixture's name. */
const CHECK_RULES: [RegExp, string[]][] = [
  [/^hostprobesandhostlifecycle/, ["BW-K8S-046"]],
  [/^procmount_restricted/, ["BW-K8S-047"]],
  [/^procmount/, ["BW-K8S-010", "BW-K8S-047"]],
  [/^capabilities_baseline/, ["BW-K8S-005"]],
  [/^capabilities_restricted/, ["BW-K8S-019"]],
  [/^seccompprofile_restricted/, ["BW-K8S-018"]],
  [/^seccompprofile_baseline/, ["BW-K8S-011"]],
  [/^runasuser/, ["BW-K8S-017"]],
  [/^runasnonroot/, ["BW-K8S-016"]],
  [/^allowprivilegeescalation/, ["BW-K8S-015"]],
  [/^restrictedvolumes/, ["BW-K8S-014"]],
  [/^sysctls/, ["BW-K8S-012"]],
  [/^selinuxoptions/, ["BW-K8S-009"]],
  [/^hostnamespaces/, ["BW-K8S-001", "BW-K8S-002", "BW-K8S-003"]],
  [/^hostports/, ["BW-K8S-007"]],
  [/^windowshostprocess/, ["BW-K8S-013"]],
  [/^privileged/, ["BW-K8S-004"]],
];

interface Fixture {
  level: Level;
  minor: number;
  pass: boolean;
  name: string;
  text: string;
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const level of ["baseline", "restricted"] as const) {
    for (const version of readdirSync(join(FIXTURES, level))) {
      for (const result of readdirSync(join(FIXTURES, level, version))) {
        for (const file of readdirSync(join(FIXTURES, level, version, result))) {
          out.push({ level, minor: Number(version.replace("v1.", "")), pass: result === "pass", name: file.replace(/\.yaml$/, ""), text: readFileSync(join(FIXTURES, level, version, result, file), "utf8") });
        }
      }
    }
  }
  return out;
}

const fixture = (path: string): string => readFileSync(join(FIXTURES, path), "utf8");

describe("upstream pod-security-admission fixtures", () => {
  const all = fixtures();

  it("are all there", () => {
    expect(all.length).toBe(49);
    expect(all.filter((f) => f.pass).length).toBeGreaterThan(10);
  });

  for (const f of all) {
    it(`${f.level} v1.${f.minor} ${f.pass ? "admits" : "refuses"} ${f.name}`, () => {
      const found = pssFindings(f.text, f.minor, f.level);
      if (f.pass) {
        expect(found.map((x) => `${x.ruleId} ${x.message}`)).toEqual([]);
        return;
      }
      const rules = CHECK_RULES.find(([re]) => re.test(f.name))?.[1];
      expect(rules, f.name).toBeDefined();
      expect(found.filter((x) => rules!.includes(x.ruleId)).length, found.map((x) => x.ruleId).join(" ")).toBeGreaterThan(0);
      for (const x of found) expect(x.references.pss!.version).toBe(`v1.${f.minor}`);
    });
  }
});

describe("the same pod under pinned versions (upstream fixtures at other versions)", () => {
  const cases: { path: string; level: Level; passes: number[]; fails: number[] }[] = [
    // Safe sysctls grew at v1.27, v1.29 and v1.32.
    { path: "baseline/v1.34/pass/sysctls1.yaml", level: "baseline", passes: [32, 36], fails: [31, 30] },
    { path: "baseline/v1.31/pass/sysctls1.yaml", level: "baseline", passes: [29], fails: [28] },
    { path: "baseline/v1.28/pass/sysctls1.yaml", level: "baseline", passes: [27], fails: [26] },
    // Host probes are refused from v1.34 on.
    { path: "baseline/v1.34/fail/hostprobesandhostlifecycle0.yaml", level: "baseline", passes: [30, 33], fails: [34, 36] },
    // procMount Unmasked with hostUsers: false: baseline from v1.35, never restricted.
    { path: "baseline/v1.35/pass/procmount_baseline1.yaml", level: "baseline", passes: [35, 36], fails: [30, 34] },
    { path: "restricted/v1.35/fail/procmount_restricted0.yaml", level: "restricted", passes: [], fails: [30, 34, 35, 36] },
    // Windows pods skip the Linux-only restricted controls from v1.25 on.
    { path: "restricted/v1.25/pass/base_windows.yaml", level: "restricted", passes: [25, 36], fails: [22, 24] },
    // runAsUser: 0 is refused from v1.23 on.
    { path: "restricted/v1.34/fail/runasuser2.yaml", level: "restricted", passes: [22], fails: [23, 30, 36] },
  ];
  for (const c of cases) {
    it(`${c.path}: admitted at ${c.passes.map((m) => `v1.${m}`).join(", ") || "no version"}, refused at ${c.fails.map((m) => `v1.${m}`).join(", ")}`, () => {
      const text = fixture(c.path);
      for (const m of c.passes) expect(pssFindings(text, m, c.level).map((x) => x.ruleId), `v1.${m}`).toEqual([]);
      for (const m of c.fails) expect(pssFindings(text, m, c.level).length, `v1.${m}`).toBeGreaterThan(0);
    });
  }
});

describe("version-dependent controls", () => {
  const ids = (text: string, minor: number) => new Set(pssFindings(text, minor, "restricted").map((f) => f.ruleId));

  it("SELinux container_engine_t is allowed from v1.31", () => {
    const pod = podYaml({ container: ["securityContext:", "  seLinuxOptions:", "    type: container_engine_t"] });
    expect(ids(pod, 30).has("BW-K8S-009")).toBe(true);
    expect(ids(pod, 31).has("BW-K8S-009")).toBe(false);
    const found = scanKubernetes([{ path: "p.yaml", text: pod }], { pss: pssVersion(30) }).find((f) => f.ruleId === "BW-K8S-009");
    expect(found!.message).toContain("allowed from v1.31, the policy is v1.30");
  });

  it("runAsNonRoot and runAsUser are not checked for hostUsers: false from v1.35", () => {
    const pod = podYaml({ pod: ["hostUsers: false", "securityContext:", "  runAsUser: 0"] });
    for (const m of [30, 34]) expect([...ids(pod, m)].filter((id) => id === "BW-K8S-016" || id === "BW-K8S-017").sort()).toEqual(["BW-K8S-016", "BW-K8S-017"]);
    expect([...ids(pod, 35)].filter((id) => id === "BW-K8S-016" || id === "BW-K8S-017")).toEqual([]);
  });

  it("Windows pods are exempt from privilege escalation, seccomp and capabilities (restricted), not from runAsNonRoot", () => {
    const win = podYaml({ pod: ["os:", "  name: windows"] });
    const linuxOnly = ["BW-K8S-015", "BW-K8S-018", "BW-K8S-019"];
    expect(linuxOnly.filter((id) => ids(win, 36).has(id))).toEqual([]);
    expect(linuxOnly.filter((id) => ids(win, 24).has(id))).toEqual(linuxOnly);
    expect(ids(win, 36).has("BW-K8S-016")).toBe(true);
    // Baseline controls still apply to Windows pods.
    const winHostProcess = podYaml({ pod: ["os:", "  name: windows", "hostNetwork: true", "securityContext:", "  windowsOptions:", "    hostProcess: true"] });
    expect(ids(winHostProcess, 36).has("BW-K8S-013")).toBe(true);
  });

  it("restricted controls do not exist before their version", () => {
    const bare = podYaml({});
    expect(ids(bare, 7).has("BW-K8S-015")).toBe(false);
    expect(ids(bare, 8).has("BW-K8S-015")).toBe(true);
    expect(ids(bare, 18).has("BW-K8S-018")).toBe(false);
    expect(ids(bare, 19).has("BW-K8S-018")).toBe(true);
    expect(ids(bare, 21).has("BW-K8S-019")).toBe(false);
    expect(ids(bare, 22).has("BW-K8S-019")).toBe(true);
  });

  it("reads seccomp annotations before v1.19 and the fields from v1.19", () => {
    const annotated = podYaml({ meta: ["annotations:", "  seccomp.security.alpha.kubernetes.io/pod: unconfined"] });
    const field = podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: Unconfined"] });
    const custom = podYaml({ meta: ["annotations:", "  container.seccomp.security.alpha.kubernetes.io/app: custom"] });
    const baseline = (t: string, m: number) => pssFindings(t, m, "baseline").map((f) => f.ruleId);
    expect(baseline(annotated, 18)).toEqual(["BW-K8S-011"]);
    expect(baseline(annotated, 36)).toEqual(["BW-K8S-011"]);
    expect(baseline(field, 18)).toEqual([]);
    expect(baseline(field, 19)).toEqual(["BW-K8S-011"]);
    expect(baseline(custom, 18)).toEqual(["BW-K8S-011"]);
    expect(baseline(custom, 19)).toEqual([]);
    // Annotations of containers the pod does not have are not read.
    expect(baseline(custom.replace("kubernetes.io/app:", "kubernetes.io/sidecar:"), 18)).toEqual([]);
  });

  it("compares capability names as written: no CAP_ prefix, upper case", () => {
    const restricted = (add: string, drop = "ALL") => podYaml({ container: ["securityContext:", "  capabilities:", `    drop: [${drop}]`, `    add: [${add}]`] });
    const msg = (text: string, id: string) => scanKubernetes([{ path: "p.yaml", text }]).find((f) => f.ruleId === id)?.message;
    expect(msg(restricted("NET_BIND_SERVICE"), "BW-K8S-019")).toBeUndefined();
    expect(msg(restricted("CAP_NET_BIND_SERVICE"), "BW-K8S-019")).toContain("adds CAP_NET_BIND_SERVICE (Kubernetes spells capabilities without the CAP_ prefix and in upper case: NET_BIND_SERVICE)");
    expect(msg(restricted("NET_BIND_SERVICE", "all"), "BW-K8S-019")).toContain("does not drop ALL capabilities");
    expect(msg(restricted("CAP_SYS_ADMIN"), "BW-K8S-005")).toContain("adds CAP_SYS_ADMIN");
    expect(scanKubernetes([{ path: "p.yaml", text: restricted("CAP_SYS_ADMIN") }]).find((f) => f.ruleId === "BW-K8S-005")!.severity).toBe("HIGH");
  });
});

describe("versions", () => {
  it("parses policy versions as the admission controller labels them", () => {
    expect(parsePssVersion("latest")).toEqual(PSS_LATEST);
    expect(PSS_LATEST.label).toBe("v1.36");
    expect(parsePssVersion("v1.30")).toEqual({ minor: 30, label: "v1.30" });
    expect(parsePssVersion("1.25")).toEqual({ minor: 25, label: "v1.25" });
    expect(parsePssVersion("v1.0")).toEqual({ minor: 0, label: "v1.0" });
    for (const bad of ["", "v1", "v2.1", "v1.37", "v1.30.2", "v1.030", "1.x", "Latest", "v1.-1"]) expect(parsePssVersion(bad), bad).toBeUndefined();
  });

  it("names the resolved version in every PSS finding, sharing one references object per rule", () => {
    const pod = podYaml({ pod: ["hostNetwork: true"] });
    const at = (minor?: number) => scanKubernetes([{ path: "a.yaml", text: pod }, { path: "b.yaml", text: pod }], minor === undefined ? {} : { pss: pssVersion(minor) });
    const latest = at();
    const pss = latest.filter((f) => f.references.pss);
    expect(pss.length).toBeGreaterThan(4);
    for (const f of pss) expect(f.references.pss!.version).toBe("v1.36");
    const host = latest.filter((f) => f.ruleId === "BW-K8S-001");
    expect(host[0]!.references).toBe(host[1]!.references);
    for (const f of at(30).filter((x) => x.references.pss)) expect(f.references.pss!.version).toBe("v1.30");
    // Rules keep their unversioned references (rules list, other scans).
    expect(kubernetesRules.find((r) => r.id === "BW-K8S-001")!.references.pss).toEqual({ control: "Host Namespaces", level: "baseline" });
  });

  it("maps every PSS control to a rule and every PSS rule to a control", () => {
    const ruleControls = new Set(kubernetesRules.filter((r) => r.references.pss).map((r) => `${r.references.pss!.level}/${r.references.pss!.control}`));
    const controls = new Set(PSS_CONTROLS.map((c) => `${c.level}/${c.control}`));
    expect([...ruleControls].filter((c) => !controls.has(c))).toEqual([]);
    expect([...controls].filter((c) => !ruleControls.has(c))).toEqual([]);
  });
});
