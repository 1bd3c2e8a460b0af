// --pss-config: the API server's PodSecurityConfiguration read from an AdmissionConfiguration (inline
// or by path) or on its own, its bad forms refused in one line, and the webhook's decisions with
// its defaults and exemptions (namespaces, runtime classes, users), with and without namespace labels.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../errors.js";
import { AdmissionController } from "./engine.js";
import { NamespaceLabels } from "./namespaces.js";
import { loadPssConfig, type PssConfig } from "./pss-config.js";
import { ruleSelection } from "./pss.js";

type Obj = Record<string, unknown>;
const data = new URL("./testdata/pss-config/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-pss-config-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

const PSC = "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n";

describe("loadPssConfig", () => {
  it("reads the PodSecurity plugin's configuration from an AdmissionConfiguration", () => {
    const c = loadPssConfig(join(data, "admission-configuration.yaml"));
    expect(c.defaults.enforce).toEqual({ level: "baseline", version: { minor: 36, label: "v1.36" } });
    expect(c.defaults.warn.level).toBe("restricted");
    expect(c.defaults.audit.level).toBe("restricted");
    expect(c.exemptions).toEqual({ usernames: ["ci-bot"], runtimeClasses: ["gvisor"], namespaces: ["legacy"] });
  });

  it("reads a bare PodSecurityConfiguration; unset modes are privileged at latest, as in the API server", () => {
    const c = loadPssConfig(join(data, "pod-security-configuration.yaml"));
    expect(c.defaults.enforce).toEqual({ level: "restricted", version: { minor: 30, label: "v1.30" } });
    expect(c.defaults.warn).toEqual({ level: "privileged", version: { minor: 36, label: "v1.36" } });
    expect(c.exemptions).toEqual({ usernames: [], runtimeClasses: [], namespaces: ["kube-system", "monitoring"] });
  });

  it("follows the plugin's path (relative to the AdmissionConfiguration) and skips other plugins", () => {
    expect(loadPssConfig(join(data, "by-path.yaml"))).toEqual({ ...loadPssConfig(join(data, "pod-security-configuration.yaml")), source: join(data, "by-path.yaml") });
  });

  const bad: [string, string, RegExp][] = [
    ["not-yaml", "a: [1, 2\n", /not valid YAML/],
    ["two-docs", `${PSC}---\n${PSC}`, /expected one YAML document, found 2/],
    ["wrong-kind", "apiVersion: v1\nkind: ConfigMap\n", /expected kind PodSecurityConfiguration .*got "ConfigMap"/],
    ["wrong-api", "apiVersion: pod-security.admission.config.k8s.io/v2\nkind: PodSecurityConfiguration\n", /apiVersion must be pod-security\.admission\.config\.k8s\.io\/v1/],
    ["bad-level", `${PSC}defaults:\n  enforce: strict\n`, /defaults\.enforce must be privileged, baseline or restricted, got "strict"/],
    ["bad-version", `${PSC}defaults:\n  warn-version: v2.0\n`, /defaults\.warn-version must be "latest" or v1\.N .*got "v2\.0"/],
    ["future-version", `${PSC}defaults:\n  audit-version: v1.99\n`, /audit-version .*got "v1\.99"/],
    ["unknown-default", `${PSC}defaults:\n  enforced: baseline\n`, /unknown field "defaults\.enforced"/],
    ["unknown-field", `${PSC}exemption:\n  namespaces: [a]\n`, /unknown field "exemption"/],
    ["not-list", `${PSC}exemptions:\n  namespaces: kube-system\n`, /exemptions\.namespaces must be a list/],
    ["empty-name", `${PSC}exemptions:\n  usernames: [""]\n`, /exemptions\.usernames\[0\] must be a non-empty string/],
    ["duplicate", `${PSC}exemptions:\n  runtimeClasses: [a, a]\n`, /exemptions\.runtimeClasses\[1\]: "a" is listed twice/],
    ["no-plugin", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: EventRateLimit\n    path: x.yaml\n", /no plugin named PodSecurity/],
    ["no-config", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n", /neither configuration nor path/],
    ["missing-path", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    path: nowhere.yaml\n", /cannot read it \(ENOENT\)/],
    ["scalar", "just text\n", /not a YAML mapping/],
    ["alias-bomb", `${PSC}x: &a [y, y, y, y, y, y, y, y, y, y]\n${Array.from({ length: 12 }, (_, i) => `x${i}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`).join("\n")}\n`, /not usable YAML: .*alias/i],
    ["too-large", `${PSC}# ${"x".repeat(1 << 20)}\n`, /larger than 1048576 bytes/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name} in one line`, () => {
      const path = file(`${name}.yaml`, text);
      let err: unknown;
      try {
        loadPssConfig(path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      const msg = (err as Error).message;
      expect(msg).toMatch(message);
      expect(msg).toContain(path);
      expect(msg).not.toContain("\n");
    });
  }

  it("refuses a file that does not exist", () => {
    expect(() => loadPssConfig(join(work, "absent.yaml"))).toThrow(/--pss-config .*absent\.yaml: cannot read it \(ENOENT\)/);
  });
});

const review = (object: Obj, ns: string, user = "alice"): Obj => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: { uid: "u-1", kind: { group: "", version: "v1", kind: object.kind }, namespace: ns, operation: "CREATE", object, userInfo: { username: user, groups: ["system:authenticated"] } },
});
const pod = (ns: string, spec: Obj = {}, container: Obj = {}): Obj => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: ns }, spec: { ...spec, containers: [{ name: "app", image: "nginx:1", ...container }] } });
const privileged = { securityContext: { privileged: true } };

function controllerFor(cfg: PssConfig, labels?: Record<string, Record<string, string>>): AdmissionController {
  const e = cfg.defaults.enforce;
  const namespaces = labels
    ? new NamespaceLabels({
        get: async (path) => {
          const name = path.split("/").pop()!;
          return { status: 200, body: { metadata: { name, labels: labels[name] ?? {} } } };
        },
        defaults: cfg.defaults,
      })
    : undefined;
  return new AdmissionController({ rules: ruleSelection(e.level, e.version.label), mode: "enforce", failMode: "closed", pssConfig: cfg, ...(namespaces ? { namespaces } : {}) });
}

describe("the webhook with --pss-config", () => {
  const cfg = loadPssConfig(join(data, "admission-configuration.yaml"));

  for (const withLabels of [false, true]) {
    describe(withLabels ? "with namespace labels read through the API" : "without namespace labels", () => {
      const c = controllerFor(cfg, withLabels ? { open: { "pod-security.kubernetes.io/enforce": "privileged" } } : undefined);

      it("the enforce default (baseline) denies a privileged pod in a namespace without labels, naming the configuration", async () => {
        const r = (await c.validate(review(pod("shop", {}, privileged), "shop"))).response;
        expect(r.allowed).toBe(false);
        expect(r.status!.message).toMatch(/\[BW-K8S-004 Privileged container\].*PodSecurityConfiguration defaults: enforce=baseline/);
        expect(r.auditAnnotations!.pss).toBe("baseline:v1.36 (PodSecurityConfiguration default)");
      });

      it("the warn default (restricted) answers a baseline pod with warnings, not a deny", async () => {
        const r = (await c.validate(review(pod("shop"), "shop"))).response;
        expect(r.allowed).toBe(true);
        expect(r.warnings?.length).toBeGreaterThan(0);
        expect(r.warnings!.join("\n")).toMatch(/PodSecurityConfiguration defaults: warn=restricted/);
      });

      for (const [what, req] of [
        ["an exempt namespace", review(pod("legacy", {}, privileged), "legacy")],
        ["an exempt runtime class", review(pod("shop", { runtimeClassName: "gvisor" }, privileged), "shop")],
        ["an exempt user", review(pod("shop", {}, privileged), "shop", "ci-bot")],
      ] as const) {
        it(`${what} is admitted and reported exempt, not silently`, async () => {
          const r = (await c.validate(req)).response;
          expect(r.allowed).toBe(true);
          expect(r.warnings).toBeUndefined();
          expect(r.auditAnnotations!.pss).toMatch(/^exempt: (namespace legacy|runtimeClass gvisor|username ci-bot) \(PodSecurityConfiguration exemptions\.(namespaces|runtimeClasses|usernames)\)$/);
        });
      }

      it("a runtime class or user not in the list is checked", async () => {
        expect((await c.validate(review(pod("shop", { runtimeClassName: "kata" }, privileged), "shop", "ci-bot2"))).response.allowed).toBe(false);
      });
    });
  }

  it("a namespace's label wins over the default, and takes the default version when it has none", async () => {
    const pinned: PssConfig = { ...cfg, defaults: { ...cfg.defaults, enforce: { level: "baseline", version: { minor: 30, label: "v1.30" } } } };
    const c = controllerFor(pinned, { open: { "pod-security.kubernetes.io/enforce": "privileged" }, tight: { "pod-security.kubernetes.io/enforce": "restricted" } });
    expect((await c.validate(review(pod("open", {}, privileged), "open"))).response.allowed).toBe(true);
    const r = (await c.validate(review(pod("tight"), "tight"))).response;
    expect(r.allowed).toBe(false);
    expect(r.auditAnnotations!.pss).toBe("restricted:v1.30 (namespace label)");
  });
});
