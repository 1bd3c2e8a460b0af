// The dashboard's browser code is type-checked with the DOM library (web/dashboard/tsconfig.json),
// which the repository's tsconfig does not include; and the build bundles it without network.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;

describe("dashboard web sources", () => {
  it("type-check against the DOM", () => {
    const r = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}web/dashboard`], { encoding: "utf8", timeout: 120_000 });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.skipIf(!existsSync(`${root}dist/dashboard/index.html`))("the built page loads only its own assets", () => {
    const html = readFileSync(`${root}dist/dashboard/index.html`, "utf8");
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.sort()).toEqual(["./assets/app.css", "./assets/app.js"]);
    const js = readFileSync(`${root}dist/dashboard/assets/app.js`, "utf8");
    // No CDN or remote import slipped into the bundle.
    expect(/\bimport\s*\(?\s*["']https?:/.test(js)).toBe(false);
    // uPlot's class names and the app's own API paths are in the one bundle.
    expect(["u-legend", "/api/v1/dashboard/overview", "bulwark.token"].filter((s) => !js.includes(s))).toEqual([]);
  });
});
