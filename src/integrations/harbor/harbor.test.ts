// The Harbor documents checked against the schemas of the Pluggable Scanner API v1.2 spec
// (test/fixtures/harbor-scanner-spec), closed so that any field the spec does not define fails.
import { readFileSync } from "node:fs";
import { Ajv, type AnySchemaObject } from "ajv";
import formatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixturePath } from "../../../test/support/upstream.js";
import type { Report, Vulnerability } from "../../model/index.js";
import { getWriter } from "../../report/index.js";
import { cyclonedxErrors, spdxErrors } from "../../report/test-support/schemas.js";
import { debianReport } from "../../report/test-support/sample-report.js";
import { HARBOR_MIME, harborMetadata, harborReportKind, harborScanner, toHarborReport, toHarborSbomReport } from "./report.js";
import { HarborRequestError, parseHarborScanRequest } from "./request.js";

const addFormats = formatsModule.default;
const spec = parse(readFileSync(fixturePath("harbor-scanner-spec/api/spec/scanner-adapter-openapi-v1.2.yaml"), "utf8")) as {
  components: { schemas: Record<string, AnySchemaObject> };
};

/** Every object schema that lists properties and says nothing of others gets additionalProperties: false. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === "example" ? v : closed(v);
  if (out["properties"] && out["additionalProperties"] === undefined && !out["$ref"]) out["additionalProperties"] = false;
  return out;
}

function validator(name: string, strict: boolean) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat("url", (v: string) => URL.canParse(v));
  ajv.addFormat("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
  const components = strict ? closed(spec.components) : spec.components;
  ajv.addSchema({ $id: "harbor", components } as AnySchemaObject);
  return ajv.getSchema(`harbor#/components/schemas/${name}`)!;
}

function errors(name: string, doc: unknown, strict = true): string[] {
  const v = validator(name, strict);
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

function vuln(over: Partial<Vulnerability>): Vulnerability {
  return {
    id: "CVE-2023-4911",
    aliases: ["DSA-5514-1"],
    package: { type: "deb", name: "libc6", version: "2.36-9+deb12u1", purl: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12" },
    installedVersion: "2.36-9+deb12u1",
    fixedVersions: ["2.36-9+deb12u3"],
    status: "fixed",
    severity: "HIGH",
    cvss: [{ version: "3.1", vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", score: 7.8 }],
    title: "Buffer overflow in ld.so GLIBC_TUNABLES",
    description: "A buffer overflow was discovered in the GNU C Library's dynamic loader ld.so while processing the GLIBC_TUNABLES environment variable.",
    references: ["https://security-tracker.debian.org/tracker/CVE-2023-4911", "not a link"],
    source: { id: "DEBIAN-CVE-2023-4911", ecosystem: "Debian:12" },
    ...over,
  };
}

function reportWith(vulns: Vulnerability[]): Report {
  return { ...debianReport(), vulnerabilities: vulns };
}

const artifact = { repository: "team/web-app", digest: `sha256:${"ab".repeat(32)}`, mime_type: HARBOR_MIME.ociManifest };

describe("the spec's schemas as the test reads them", () => {
  it("accept the spec's own examples and refuse a wrong document", () => {
    const example = JSON.parse(spec.components.schemas["ScannerAdapterMetadata"]!["properties"].capabilities.example as string) as unknown;
    expect(errors("ScannerAdapterMetadata", { scanner: { name: "Trivy", vendor: "Aqua Security", version: "0.4.0" }, capabilities: example })).toEqual([]);
    const props = spec.components.schemas["VulnerabilityItem"]!["properties"] as Record<string, { example?: unknown }>;
    const item = Object.fromEntries(Object.entries(props).filter(([, p]) => p.example !== undefined).map(([k, p]) => [k, p.example]));
    expect(Object.keys(item).length).toBeGreaterThan(5);
    expect(errors("VulnerabilityItem", item)).toEqual([]);
    expect(errors("VulnerabilityItem", { ...item, severity: "HIGH" }).length).toBeGreaterThan(0);
    expect(errors("VulnerabilityItem", { ...item, cvss_score: 1 }).length).toBeGreaterThan(0);
    expect(errors("VulnerabilityItem", { ...item, cvss_score: 1 }, false)).toEqual([]);
  });
});

describe("harbor documents", () => {
  it("metadata matches ScannerAdapterMetadata and offers both report types", () => {
    const m = harborMetadata("1.2.3", "2026-12-07T10:00:00.000Z");
    expect(errors("ScannerAdapterMetadata", m)).toEqual([]);
    const produced = (m["capabilities"] as { produces_mime_types: string[] }[]).flatMap((c) => c.produces_mime_types);
    expect(produced).toContain(HARBOR_MIME.vulnReport11);
    expect(produced).toContain(HARBOR_MIME.sbomReport);
  });

  it("vulnerability report: schema-valid, severities mapped, highest severity on top, links filtered", () => {
    const vulns = [
      vuln({}),
      vuln({ id: "CVE-2024-1", severity: "CRITICAL", fixedVersions: [], status: "affected", cvss: [{ version: "2.0", vector: "AV:N/AC:L/Au:N/C:C/I:C/A:C", score: 10 }], title: undefined }),
      vuln({ id: "GHSA-xxxx", severity: "UNKNOWN", cvss: [], description: undefined, malicious: true, package: { type: "npm", name: "evil", version: "1.0.0", purl: "pkg:npm/evil@1.0.0" }, installedVersion: "1.0.0" }),
    ];
    const r = toHarborReport(reportWith(vulns), artifact, harborScanner("1.2.3"), new Date("2026-12-07T12:00:00Z"));
    expect(errors("HarborVulnerabilityReport", r)).toEqual([]);
    expect(r.severity).toBe("Critical");
    expect(r.vulnerabilities.map((v) => v.severity)).toEqual(["High", "Critical", "Unknown"]);
    const [a, b, c] = r.vulnerabilities;
    expect(a).toMatchObject({ id: vulns[0]!.id, package: "libc6", version: vulns[0]!.installedVersion, fix_version: "2.36-9+deb12u3", links: [vulns[0]!.references[0]] });
    expect(a!.preferred_cvss).toEqual({ score_v3: 7.8, vector_v3: vulns[0]!.cvss[0]!.vector });
    expect(a!.description).toContain(vulns[0]!.title);
    expect(b!.fix_version).toBeUndefined();
    expect(b!.preferred_cvss).toEqual({ score_v2: 10, vector_v2: "AV:N/AC:L/Au:N/C:C/I:C/A:C" });
    expect(c!.vendor_attributes).toMatchObject({ malicious: true, purl: "pkg:npm/evil@1.0.0" });
    expect(c!.preferred_cvss).toBeUndefined();
  });

  it("an empty report is Unknown with no items", () => {
    const r = toHarborReport(reportWith([]), artifact, harborScanner("1"), new Date());
    expect(errors("HarborVulnerabilityReport", r)).toEqual([]);
    expect(r).toMatchObject({ severity: "Unknown", vulnerabilities: [] });
  });

  it("SBOM report wraps a valid CycloneDX and SPDX document", () => {
    const report = debianReport();
    const cdx = toHarborSbomReport(getWriter("cyclonedx-json").write(report), HARBOR_MIME.cyclonedx, artifact, harborScanner("1"), new Date());
    expect(errors("HarborSbomReport", cdx)).toEqual([]);
    expect(cyclonedxErrors(cdx.sbom)).toEqual([]);
    expect((cdx.sbom["components"] as unknown[]).length).toBeGreaterThanOrEqual(report.packages.length);
    const spdx = toHarborSbomReport(getWriter("spdx-json").write(report), HARBOR_MIME.spdx, artifact, harborScanner("1"), new Date());
    expect(errors("HarborSbomReport", spdx)).toEqual([]);
    expect(spdxErrors(spdx.sbom)).toEqual([]);
    expect(errors("HarborSbomReport", { ...cdx, media_type: "text/plain" }).length).toBeGreaterThan(0);
  });

  it("Accept header picks the document", () => {
    expect(harborReportKind("application/vnd.security.vulnerability.report; version=1.1")).toBe("vulnerability");
    expect(harborReportKind("application/vnd.scanner.adapter.vuln.report.harbor+json;version=1.0")).toBe("vulnerability");
    expect(harborReportKind("application/vnd.security.sbom.report+json; version=1.0")).toBe("sbom");
    expect(harborReportKind(undefined)).toBe("vulnerability");
    expect(harborReportKind("application/vnd.scanner.adapter.vuln.report.raw")).toBeUndefined();
  });
});

describe("scan requests", () => {
  const good = { registry: { url: "https://core.harbor.domain", authorization: `Basic ${Buffer.from("robot$scanner:s3cr:et").toString("base64")}` }, artifact: { repository: "library/mongo", digest: `sha256:${"6c".repeat(32)}`, tag: "3.14-xenial", mime_type: HARBOR_MIME.dockerManifest } };

  it("a valid request gives an image by digest and the robot credentials", () => {
    const t = parseHarborScanRequest(good);
    expect(t).toMatchObject({ image: `core.harbor.domain/library/mongo@${good.artifact.digest}`, plainHttp: false, username: "robot$scanner", password: "s3cr:et", capabilities: ["vulnerability", "sbom"] });
    expect(parseHarborScanRequest({ ...good, registry: { url: "http://10.0.0.1:8080" } })).toMatchObject({ plainHttp: true, registryHost: "10.0.0.1:8080" });
    expect(parseHarborScanRequest({ ...good, enabled_capabilities: [{ type: "sbom" }] }).capabilities).toEqual(["sbom"]);
  });

  it.each([
    [null, 400],
    [{ registry: "x", artifact: {} }, 400],
    [{ ...good, registry: { url: "ftp://x" } }, 422],
    [{ ...good, registry: { url: "https://u:p@x" } }, 422],
    [{ ...good, registry: { url: "https://x/../../etc" } }, 422],
    [{ ...good, artifact: { ...good.artifact, repository: "../etc/passwd" } }, 422],
    [{ ...good, artifact: { ...good.artifact, repository: "a'; DROP TABLE images;--" } }, 422],
    [{ ...good, artifact: { ...good.artifact, digest: "sha256:abc" } }, 422],
    [{ ...good, artifact: { ...good.artifact, digest: 5 } }, 400],
    [{ ...good, registry: { ...good.registry, authorization: "Bearer abc" } }, 422],
    [{ ...good, enabled_capabilities: [{ type: "malware" }] }, 501],
  ])("refuses %j with %i", (body, status) => {
    let err: unknown;
    try {
      parseHarborScanRequest(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HarborRequestError);
    expect((err as HarborRequestError).status).toBe(status);
    expect((err as Error).message).not.toContain("s3cr");
  });
});
