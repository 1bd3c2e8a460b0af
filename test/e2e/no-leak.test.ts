// No output of any command prints a secret planted in an image's history, labels, env or
// command, or in a Dockerfile: every command, scanner set and format through the real CLI
// (dist/bulwark.mjs), stdout, stderr and -o files. The findings are still reported.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gen } from "../../src/secrets/samples.test-support.js";
import { buildImage, writeDockerArchive } from "../support/image-builder.js";
import { DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";

const root = new URL("../../", import.meta.url).pathname;
const BIN = join(root, "dist/bulwark.mjs");
const MIRROR = join(root, "examples/osv-mirror");
const work = mkdtempSync(join(tmpdir(), "bw-noleak-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const DB = join(work, "advisories.sqlite");

// Real formats, built at run time from pieces so that this file holds no complete credential.
const j = (...p: string[]): string => p.join("");
const GH_CLONE = j("gh", "p_", gen("an", 36)); // in a RUN git clone URL (history) and .git/config
const GH_CURL = j("gh", "p_", gen("an", 36)); // in a RUN curl … | sh line, cut short by messages
const PIP_PASSWORD = j(gen("an", 18), "7Q"); // https://ci:PASSWORD@pypi… in a RUN pip install line
const GITLAB = j("gl", "pat-", gen("url", 20)); // in a label
const AKID = j("AK", "IA", gen("up", 16)); // env
const AWS_SECRET = gen("b64", 40); // env, and the ENV history line
const NPM = j("np", "m_", gen("an", 36)); // the image command
const DF_AWS = gen("b64", 40); // Dockerfile ENV
const DF_GH = j("gh", "p_", gen("an", 36)); // Dockerfile RUN git clone
const DF_ADD = j(gen("an", 16), "x9"); // Dockerfile ADD https://ci:PASSWORD@…

const PLANTED = [GH_CLONE, GH_CURL, PIP_PASSWORD, GITLAB, AKID, AWS_SECRET, NPM, DF_AWS, DF_GH, DF_ADD];

/** The secrets and telling pieces of them (a cut-off head must not survive either). */
const needles = PLANTED.flatMap((s) => {
  const body = s.replace(/^(?:ghp_|glpat-|npm_|AKIA)/, "");
  return [s, body.slice(0, 10), body.slice(-10)];
});

function bulwark(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: work, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), BULWARK_DB: DB, NO_COLOR: "1" } });
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

function noLeak(what: string, text: string): void {
  for (const n of needles) if (text.includes(n)) throw new Error(`${what}: output contains planted secret material (${PLANTED.find((s) => s.includes(n))!.slice(0, 4)}…)`);
}

const IMAGE = join(work, "leaky.tar");
const DOCKERFILE_DIR = join(work, "df");

describe.skipIf(!existsSync(BIN))("no output prints a planted secret", () => {
  beforeAll(async () => {
    const img = await buildImage({
      env: ["PATH=/usr/local/bin:/usr/bin:/bin", `AWS_ACCESS_KEY_ID=${AKID}`, `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`],
      emptyHistory: [`/bin/sh -c #(nop)  ENV AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`, `/bin/sh -c #(nop)  LABEL org.acme.deploy-token=${GITLAB}`],
      config: { Labels: { "org.acme.deploy-token": GITLAB, "org.opencontainers.image.source": "https://github.com/acme/app" }, Cmd: ["/app/run", "--registry-token", NPM] },
      layers: [
        {
          createdBy: "/bin/sh -c #(nop) ADD file:bookworm-rootfs.tar.xz in / ",
          entries: [
            { path: "etc/os-release", content: DEBIAN_OS_RELEASE },
            { path: "var/lib/dpkg/status", content: dpkgStatus([{ name: "git", version: "1:2.39.5-0+deb12u1" }, { name: "curl", version: "7.88.1-10+deb12u8" }]) },
          ],
        },
        {
          createdBy: `RUN /bin/sh -c git clone https://${GH_CLONE}@github.com/acme/app.git /src # buildkit`,
          entries: [
            { path: "src/app.py", content: "print('hello')\n" },
            { path: "src/.git/config", content: `[remote "origin"]\n\turl = https://${GH_CLONE}@github.com/acme/app.git\n` },
          ],
        },
        {
          createdBy: `RUN /bin/sh -c curl -fsSL https://get.acme.io/i.sh?t=${GH_CURL} | sh # buildkit`,
          entries: [{ path: "usr/local/bin/acme", content: "#!/bin/sh\n", mode: 0o4755 }],
        },
        {
          createdBy: `RUN /bin/sh -c pip install --index-url https://ci:${PIP_PASSWORD}@pypi.acme.io/simple jinja2==3.1.4 # buildkit`,
          entries: [{ path: "usr/lib/python3/dist-packages/Jinja2-3.1.4.dist-info/METADATA", content: "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.4\nLicense: BSD-3-Clause\n" }],
        },
      ],
    }, "docker");
    await writeDockerArchive(IMAGE, [img]);
    mkdirSync(DOCKERFILE_DIR, { recursive: true });
    writeFileSync(
      join(DOCKERFILE_DIR, "Dockerfile"),
      [
        "FROM debian:12",
        `ENV AWS_SECRET_ACCESS_KEY=${DF_AWS}`,
        `RUN git clone https://${DF_GH}@github.com/acme/app.git /src`,
        `RUN curl -fsSL https://get.acme.io/install.sh?token=${DF_GH} | sh`,
        `ADD https://ci:${DF_ADD}@files.acme.io/app.tgz /app/`,
        'CMD ["/src/run"]',
        "",
      ].join("\n"),
    );
    const u = bulwark(["db", "update", "--ecosystems", "PyPI", "--db-repository", MIRROR, "-q"]);
    expect(u.code, u.out).toBe(0);
  });

  const target = (): string => `docker-archive:${IMAGE}`;

  it("sbom in every format", () => {
    for (const format of ["json", "cyclonedx-json", "spdx-json", "table"]) {
      const r = bulwark(["sbom", target(), "-f", format, "-q", "--no-cache"]);
      expect(r.code, r.out).toBe(0);
      noLeak(`sbom -f ${format}`, r.out);
      if (format === "json") {
        // The layers are still described, with the secret replaced.
        const report = JSON.parse(r.out.slice(0, r.out.lastIndexOf("}") + 1));
        const createdBy = report.artifact.layers.map((l: { createdBy?: string }) => l.createdBy ?? "");
        expect(createdBy).toContain("RUN /bin/sh -c git clone https://*****@github.com/acme/app.git /src # buildkit");
        expect(createdBy.some((c: string) => c.includes("https://ci:*****@pypi.acme.io"))).toBe(true);
        expect(report.secrets).toEqual([]); // found only with --scanners secret
      }
    }
    const file = join(work, "sbom.cdx.json");
    const r = bulwark(["sbom", target(), "-o", file, "-q"]);
    expect(r.code, r.out).toBe(0);
    noLeak("sbom -o", r.out + readFileSync(file, "utf8"));
  });

  for (const scanners of ["vuln", "secret", "misconfig", "vuln,secret,misconfig"]) {
    it(`scan --scanners ${scanners} in every format`, () => {
      for (const format of ["json", "table", "cyclonedx-json", "spdx-json", "sarif"]) {
        const r = bulwark(["scan", target(), "--scanners", scanners, "-f", format, "--offline", "--no-cache"]);
        expect(r.code, r.out).toBe(0);
        noLeak(`scan --scanners ${scanners} -f ${format}`, r.out);
      }
      const file = join(work, `scan-${scanners}.json`);
      const r = bulwark(["scan", target(), "--scanners", scanners, "-f", "json", "--offline", "-o", file]);
      expect(r.code, r.out).toBe(0);
      const text = readFileSync(file, "utf8");
      noLeak(`scan --scanners ${scanners} -o`, r.out + text);
      const report = JSON.parse(text);
      if (scanners.includes("secret")) {
        const found = report.secrets.map((s: { ruleId: string; path: string }) => `${s.ruleId} ${s.path}`);
        expect(found).toEqual(
          expect.arrayContaining([
            "BW-SECRET-GITHUB-PAT config: history[3]",
            "BW-SECRET-GITHUB-PAT config: history[4]",
            "BW-SECRET-URL-CREDENTIALS config: history[5]",
            "BW-SECRET-GITLAB-PAT config: Labels",
            "BW-SECRET-AWS-ACCESS-KEY config: Env",
            "BW-SECRET-AWS-SECRET-KEY config: Env",
            "BW-SECRET-AWS-SECRET-KEY config: history[0]",
            "BW-SECRET-NPM-TOKEN config: Cmd",
            "BW-SECRET-GITHUB-PAT /src/.git/config",
          ]),
        );
      } else expect(report.secrets).toEqual([]);
      if (scanners.includes("misconfig")) {
        const ids = report.misconfigurations.map((m: { ruleId: string }) => m.ruleId);
        expect(ids).toEqual(expect.arrayContaining(["BW-IMG-003", "BW-IMG-004", "BW-IMG-005", "BW-IMG-009"]));
        const pipe = report.misconfigurations.find((m: { ruleId: string }) => m.ruleId === "BW-IMG-009");
        // The step is quoted, cut short, with the token's head redacted too.
        expect(pipe.message).toMatch(/curl -fsSL https:\/\/get\.acme\.io\/i\.sh\?t=\*\*\*\*\*/);
      }
      if (scanners.includes("vuln")) {
        const jinja = report.vulnerabilities.filter((v: { package: { name: string } }) => /jinja2/i.test(v.package.name));
        expect(jinja.length).toBeGreaterThan(0);
        expect(jinja[0].package.layer.createdBy).toContain("https://ci:*****@pypi.acme.io/simple");
      }
    });
  }

  it("config on a Dockerfile in every format", () => {
    for (const format of ["table", "json", "sarif"]) {
      const r = bulwark(["config", DOCKERFILE_DIR, "-f", format]);
      expect(r.code, r.out).toBe(0);
      noLeak(`config -f ${format}`, r.out);
      if (format === "json") {
        const report = JSON.parse(r.out.slice(0, r.out.lastIndexOf("}") + 1));
        const ids = report.misconfigurations.map((m: { ruleId: string }) => m.ruleId);
        expect(ids).toEqual(expect.arrayContaining(["BW-DS-019"]));
        expect(report.misconfigurations.some((m: { message: string }) => m.message.includes("*****"))).toBe(true);
      }
    }
    const file = join(work, "config.sarif");
    const r = bulwark(["config", DOCKERFILE_DIR, "-f", "sarif", "-o", file]);
    expect(r.code, r.out).toBe(0);
    noLeak("config -o", r.out + readFileSync(file, "utf8"));
  });
});
