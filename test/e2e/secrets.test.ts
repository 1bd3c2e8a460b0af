// Secret scanning of images: every layer (even files a later layer deletes), the image config,
// redaction, and the allow-lists.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { buildImage, writeOciLayout } from "../support/image-builder.js";

const work = mkdtempSync(join(tmpdir(), "bw-secrets-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Built at run time so this file holds no complete credential.
const AKID = ["AKIA", "Z7Q4", "N5XW", "3PLM", "2RTY"].join("");
const AWS_SECRET = ["q8Jx2LmN4pR7", "tV1wY5zB9cD3", "fG6hK0sA2eU8", "iO4"].join("");
const GH = "ghp_" + ["Xk9", "mP2", "qR7", "sT4", "vW1", "yZ8", "aB5", "cD3", "eF6", "gH0", "jK2", "lMn"].join("");

describe("secret scanning in images", () => {
  it("reports secrets in deleted files, in env, redacted, and skips documented examples", async () => {
    const dir = join(work, "img");
    const img = await buildImage({
      env: [`GITHUB_TOKEN=${GH}`, "PATH=/usr/bin"],
      layers: [
        {
          createdBy: "COPY .env /app/.env",
          entries: [
            { path: "app/.env", content: `# prod\nAWS_ACCESS_KEY_ID=${AKID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n` },
            { path: "app/docs.md", content: "Example: AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n" },
            { path: "usr/share/doc/tool/README", content: `token ${GH}\n` },
          ],
        },
        { createdBy: "RUN rm /app/.env", entries: [{ path: "app/.wh..env" }] },
      ],
    });
    writeOciLayout(dir, [img]);
    const r = await scan(dir, { noCache: true, scanners: ["package", "secret"] });
    const inEnv = r.secrets.filter((s) => s.path === "/app/.env");
    expect(inEnv.length).toBeGreaterThanOrEqual(1);
    expect(inEnv.every((s) => s.deleted === true && s.layer?.diffId === img.layers[0]!.diffId)).toBe(true);
    expect(inEnv.some((s) => s.line === 2)).toBe(true);
    expect(r.secrets.some((s) => /github/i.test(s.ruleId) && /Env/.test(s.path))).toBe(true);
    expect(r.secrets.some((s) => s.path === "/app/docs.md")).toBe(false);
    expect(r.secrets.some((s) => s.path.startsWith("/usr/share/doc"))).toBe(false);
    const json = JSON.stringify(r.secrets);
    for (const raw of [AKID, AWS_SECRET, GH]) expect(json).not.toContain(raw);
  });
});

describe("ignoring secret findings", () => {
  it("drops findings whose rule id an ignore file names, optionally narrowed to a path", async () => {
    const { writeFileSync } = await import("node:fs");
    const dir = join(work, "img2");
    writeOciLayout(dir, [await buildImage({ layers: [{ entries: [
      { path: "app/a.env", content: `GH=${GH}\n` },
      { path: "app/b.env", content: `GH=${GH}\n` },
    ] }] })]);
    const first = await scan(dir, { noCache: true, scanners: ["package", "secret"], vuln: { ignoreFile: false } });
    const rule = first.secrets.find((s) => s.path === "/app/a.env")!.ruleId;
    const ignore = join(work, "ignore.yaml");
    writeFileSync(ignore, `- id: ${rule}\n  package: /app/a.env\n  reason: rotated, test credential\n`);
    const r = await scan(dir, { noCache: true, scanners: ["package", "secret"], vuln: { ignoreFile: ignore } });
    expect(r.secrets.map((s) => s.path)).toEqual(["/app/b.env"]);
  });
});
