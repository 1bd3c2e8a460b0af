// The dashboard in a real browser: Debian's chromium driven by playwright-core against a server
// with stored images. Each page: expected text, a screenshot that is not blank, and axe-core with
// no serious or critical violations.
import { randomBytes, createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report, Vulnerability } from "../../src/index.js";
import { debianReport } from "../../src/report/test-support/sample-report.js";
import { createServerToken, startServer, type RunningServer } from "../../src/server/index.js";
import { storeReport } from "../../src/server/store.js";
import { findOnPath, missingTool } from "../support/tools.js";

const ASSETS = new URL("../../dist/dashboard/index.html", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-dashboard-"));
/** Screenshots are kept here for people to look at (the test checks them itself). */
const SHOTS = process.env["BULWARK_SCREENSHOTS"] ?? join(work, "shots");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;

function vuln(report: Report, pkgName: string, id: string, severity: Vulnerability["severity"], fixed: string[], extra: Partial<Vulnerability> = {}): Vulnerability {
  const p = report.packages.find((x) => x.name === pkgName)!;
  return {
    id, aliases: [], package: { type: p.type, name: p.name, version: p.version, purl: p.purl, ...(p.locations[0]?.layer ? { layer: p.locations[0].layer } : {}) }, installedVersion: p.version,
    fixedVersions: fixed, status: fixed.length ? "fixed" : "affected", severity, cvss: [], title: `${id} in ${pkgName}`, references: [], source: { id, ecosystem: "Debian:12" }, ...extra,
  };
}

function imageReport(n: number, eol: boolean): Report {
  const r = debianReport();
  r.artifact.digest = sha(`dashboard image ${n}`);
  r.artifact.names = [`registry.example.com/team/app-${n}:1.${n}`];
  if (eol && r.artifact.os) r.artifact.os.eol = { date: "2024-06-30", eol: true };
  r.vulnerabilities = [
    vuln(r, "libc6", "CVE-2023-4911", "HIGH", ["2.36-9+deb12u3"]),
    vuln(r, "zlib1g", "CVE-2022-37434", "CRITICAL", ["1:1.2.13.dfsg-2"]),
    ...(n % 2 ? [vuln(r, "libc6", "CVE-2025-0001", "MEDIUM", [])] : []),
    ...(n === 0 ? [vuln(r, "base-files", "MAL-2025-1234", "CRITICAL", [], { malicious: true })] : []),
  ];
  return r;
}

async function axe(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  // Through the DevTools protocol: the page's CSP (script-src 'self') would refuse an injected tag.
  await page.evaluate(axeSource);
  // Strings run in the page (this file is type-checked without the DOM library).
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`)) as { id: string; impact: string; nodes: number }[];
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** A PNG screenshot that shows something: big enough, and not one colour (checked in the page). */
async function shoot(page: Page, name: string): Promise<Buffer> {
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(SHOTS, `${name}.png`), png);
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  expect(png.length).toBeGreaterThan(15_000);
  return png;
}

const noChromium = missingTool("dashboard browser tests", "chromium");

describe.skipIf(noChromium !== undefined || !existsSync(ASSETS))("dashboard in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let token = "";
  const saved = { ...process.env };
  const reports = [0, 1, 2, 3].map((n) => imageReport(n, n === 3));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    process.env["BULWARK_SECRET_KEY"] = randomBytes(32).toString("hex");
    process.env["BULWARK_OVERVIEW_TTL_MS"] = "0";
    const database = join(work, "server.db");
    token = (await createServerToken(database, "viewer", "admin")).token;
    server = await startServer({ database, listen: "127.0.0.1:0", workers: 0, advisoryDb: join(work, "advisories.db"), quiet: true });
    for (const r of reports) await storeReport(server.ctx.db, r, { now: new Date(), registry: "registry.example.com", repository: "team/app" });
    browser = await chromium.launch({ executablePath: findOnPath("chromium")!, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    process.env = saved;
    if (!process.env["BULWARK_SCREENSHOTS"]) rmSync(work, { recursive: true, force: true });
  });

  it("login: a wrong token is refused, the right one opens the overview", async () => {
    await page.goto(server.url + "/");
    await page.getByLabel("API token").fill("bwk_wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("not accepted");
    expect(await axe(page)).toEqual([]);
    await shoot(page, "login");
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
    // The token is in this tab's sessionStorage only.
    expect(await page.evaluate(`[sessionStorage.getItem("bulwark.token").slice(0, 4), localStorage.length]`)).toEqual(["bwk_", 0]);
  });

  it("overview: totals, chart, top packages, end-of-life and malicious images", async () => {
    await page.goto(server.url + "/#/");
    await page.getByRole("heading", { name: "Top vulnerable packages" }).waitFor();
    const text = await page.locator("main").innerText();
    expect(text).toMatch(new RegExp(`${reports.length}\\s+images`));
    for (const r of reports) expect(text).toContain(r.artifact.names![0]);
    expect(text).toContain("MAL-2025-1234");
    expect(text).toContain("Debian GNU/Linux 12 (bookworm)");
    // uPlot drew on its canvas: some pixels are not transparent.
    const inked = (await page.evaluate(`(() => {
      const c = document.querySelector("canvas");
      if (!c) return 0;
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    })()`)) as number;
    expect(inked).toBeGreaterThan(100);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "overview");
  });

  it("image page: findings with fixed versions, layers with what they introduced, package search", async () => {
    const r = reports[1]!;
    await page.goto(`${server.url}/#/images/${encodeURIComponent(r.artifact.digest!)}`);
    await page.getByRole("heading", { name: r.artifact.names![0] }).waitFor();
    const findings = await page.locator("section", { has: page.getByRole("heading", { name: /^Findings/ }) }).innerText();
    for (const v of r.vulnerabilities) {
      expect(findings).toContain(v.id);
      expect(findings).toContain(v.fixedVersions[0] ?? "no fix");
    }
    const layers = await page.locator("section", { has: page.getByRole("heading", { name: "Layers" }) }).innerText();
    expect(layers).toContain("apt-get install");
    await page.getByLabel("Search packages").fill("zlib");
    const rows = page.locator("section", { has: page.getByRole("heading", { name: /^Packages/ }) }).locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(r.packages.filter((p) => p.name.includes("zlib") || p.purl.includes("zlib")).length);
    // The SBOM download goes through the API with the token.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CycloneDX SBOM" }).click()]);
    const sbom = JSON.parse(readFileSync((await download.path())!, "utf8")) as { bomFormat: string; components: unknown[] };
    expect(sbom.bomFormat).toBe("CycloneDX");
    expect(sbom.components.length).toBeGreaterThanOrEqual(r.packages.length);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "image");
  });

  it("CVE page lists every affected image", async () => {
    await page.goto(`${server.url}/#/cves/CVE-2022-37434`);
    await page.getByRole("heading", { name: "CVE-2022-37434" }).waitFor();
    await page.getByText(`${reports.length} affected images`).waitFor();
    const text = await page.locator("main").innerText();
    for (const r of reports) expect(text).toContain(r.artifact.names![0]);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "cve");
  });

  it("settings: add a watch and a rule from the forms; secrets shown once", async () => {
    await page.goto(`${server.url}/#/settings`);
    await page.getByRole("heading", { name: "Registry watches" }).waitFor();
    await page.getByLabel("Name", { exact: true }).first().fill("prod registry");
    await page.getByLabel("Registry (host:port)").fill("registry.example.com");
    await page.getByLabel("Repositories (globs, comma-separated)").fill("team/*, prod/**");
    await page.getByRole("button", { name: "Add watch" }).click();
    await page.getByRole("status").filter({ hasText: "Watch added" }).waitFor();
    // The list reloads after the change: wait for it.
    await expect.poll(() => page.locator("section", { has: page.getByRole("heading", { name: "Registry watches" }) }).innerText(), { timeout: 10_000 }).toContain("team/*, prod/**");
    await page.locator("#r-name").fill("criticals to chat");
    await page.getByLabel("Webhook URL").fill("https://hooks.example.com/services/T000/B000/XXXXSECRET");
    await page.getByLabel("Minimum severity").selectOption("CRITICAL");
    await page.getByLabel("Format").selectOption("slack");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByRole("status").filter({ hasText: "Rule added" }).waitFor();
    expect(await page.getByRole("status").innerText()).toMatch(/whsec_/);
    const section = page.locator("section", { has: page.getByRole("heading", { name: "Notification rules" }) });
    await expect.poll(() => section.innerText(), { timeout: 10_000 }).toContain("criticals to chat");
    const rules = await section.innerText();
    expect(rules).not.toContain("XXXXSECRET");
    expect(await axe(page)).toEqual([]);
    await shoot(page, "settings");
  });
});
