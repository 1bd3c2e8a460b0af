// Precision of secret scanning on a clean image made of real Debian 12 packages: Python's,
// Ruby's (rdoc, rubygems, WEBrick) and Node's libraries (Babel, npm and its modules), a Java
// runtime and a small npm app. Nothing in it is a credential; before the generic rules were
// tightened this image gave 14 findings, all false. Needs apt-get and dpkg-deb, and the
// packages (downloaded once into .cache/debs). The same files offline: src/secrets/testdata.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { buildDebianImage, DebianDownloadError, missingDebianTools } from "../support/debian-image.js";

const work = mkdtempSync(join(tmpdir(), "bw-debian-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PYTHON = ["python3.11", "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib"];
const RUBY = ["ruby3.1", "libruby3.1", "rubygems-integration", "ruby-webrick"];
// Debian's own Node.js (another repository's build may be the one installed on this machine).
const NODE = ["nodejs/bookworm", "libnode108", "npm"];
const NODE_LIBRARIES = (
  "js-tokens debug ms semver uri-js ajv fast-deep-equal json-schema-traverse punycode chalk ansi-styles supports-color has-flag " +
  "commander minimist yargs yargs-parser glob minimatch brace-expansion balanced-match inherits once wrappy lru-cache mime mime-types " +
  "qs tough-cookie cookie escape-string-regexp babel7 js-yaml argparse esprima acorn source-map form-data combined-stream asynckit " +
  "delayed-stream json5 iconv-lite safe-buffer readable-stream string-decoder util-deprecate core-util-is isarray process-nextick-args " +
  "hosted-git-info npm-package-arg validate-npm-package-name tar graceful-fs"
).split(" ").map((n) => `node-${n}`);
const JAVA = ["openjdk-17-jre-headless"];

// A small npm app next to the libraries: dependency ranges, code reading its secrets from the
// environment, and a template .env.
const APP = [
  { path: "app/package.json", content: JSON.stringify({ name: "app", version: "1.0.0", dependencies: { "js-tokens": "^4.0.0", debug: "^4.3.4", semver: ">=7.3.5 <8" } }, null, 2) + "\n" },
  { path: "app/index.js", content: "const token = process.env.API_TOKEN;\nconst password = config.get('db.password');\nmodule.exports = { token, password };\n" },
  { path: "app/.env.example", content: "API_TOKEN=<your-token>\nDB_PASSWORD=changeme\nSECRET_KEY=${SECRET_KEY}\n" },
];

const reason = missingDebianTools("clean Debian image test");

describe.skipIf(reason !== undefined)("clean Debian image", () => {
  const image = join(work, "clean");
  let unavailable: string | undefined;
  beforeAll(async () => {
    try {
      await buildDebianImage({ packages: ["base-files", ...PYTHON, ...RUBY, ...NODE, ...NODE_LIBRARIES, ...JAVA], extraFiles: APP, layout: "oci", out: image });
    } catch (e) {
      if (!(e instanceof DebianDownloadError)) throw e;
      unavailable = e.message;
      console.warn(`clean Debian image test skipped: Debian packages unavailable: ${e.message}`);
    }
  }, 900_000);

  it("scan --scanners secret: at most 2 findings, each a genuine credential", async (ctx) => {
    if (unavailable) ctx.skip();
    const r = await scan(`oci:${image}`, { noCache: true, scanners: ["package", "secret"] });
    expect(r.packages.filter((p) => p.type === "deb").length).toBeGreaterThanOrEqual(60);
    expect(r.artifact.os?.family).toBe("debian");
    console.log(`clean Debian image: ${r.packages.length} packages, ${r.secrets.length} secret findings`);
    const found = r.secrets.map((s) => `${s.ruleId} ${s.path}:${s.line ?? ""} ${s.match}`);
    expect(r.secrets.length, found.join("\n")).toBeLessThanOrEqual(2);
    // Genuine: a specific credential format, or a CI token a package shipped by mistake.
    for (const s of r.secrets) expect(!/GENERIC/.test(s.ruleId) || /\.coveralls\.yml$/.test(s.path), `${s.ruleId} ${s.path}`).toBe(true);
  }, 300_000);
});

describe.skipIf(reason !== undefined)("buildDebianImage", () => {
  it("writes a docker archive with the packages' files and a real dpkg database", async (ctx) => {
    const out = join(work, "base.tar");
    try {
      const built = await buildDebianImage({ packages: ["base-files", "node-js-tokens"], layout: "docker-archive", out });
      expect(built.files).toBeGreaterThan(10);
    } catch (e) {
      if (!(e instanceof DebianDownloadError)) throw e;
      console.warn(`buildDebianImage test skipped: Debian packages unavailable: ${e.message}`);
      ctx.skip();
    }
    const r = await scan(`docker-archive:${out}`, { noCache: true });
    expect(r.artifact.os).toMatchObject({ family: "debian", version: expect.stringMatching(/^12/) });
    const names = r.packages.filter((p) => p.type === "deb").map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["base-files", "node-js-tokens"]));
    const tokens = r.packages.find((p) => p.name === "node-js-tokens")!;
    expect(tokens.purl).toMatch(/^pkg:deb\/debian\/node-js-tokens@/);
    // The file list comes from the package: its package.json is owned by it.
    expect(tokens.files).toContain("/usr/share/nodejs/js-tokens/package.json");
  }, 300_000);
});
