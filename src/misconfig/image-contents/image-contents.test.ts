import { describe, expect, it, vi } from "vitest";
import { parseListing, parseMode } from "./example.js";
import { contentsDoc, imageContentsRules, scanImageContents } from "./index.js";
import { ContentsCollector, decodeHashes, pathHash } from "./collect.js";
import { serviceOf } from "./surface.js";
import { cacheOf, sensitiveKind, toolCategory } from "./catalog.js";

const run = (listing: string, owners = new Map<string, string>()) => {
  const { layers, config } = parseListing(listing);
  return scanImageContents({ target: "example/app:1", layers, config, owners });
};

describe("image-contents rule contract", () => {
  it("has unique ids", () => {
    const ids = imageContentsRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  for (const rule of imageContentsRules) {
    describe(rule.id, () => {
      it("has examples and references", () => {
        expect(rule.examples.good.length).toBeGreaterThan(0);
        expect(rule.examples.bad.length).toBeGreaterThan(0);
        const r = rule.references;
        expect([r.avd, r.hadolint, r.cis, r.dockle, r.nsa, r.kubescape].filter(Boolean).length + (r.urls?.length ?? 0)).toBeGreaterThan(0);
      });
      rule.examples.bad.forEach((listing, n) => {
        it(`bad example ${n} is reported`, () => {
          const hits = run(listing).findings.filter((f) => f.ruleId === rule.id);
          expect(hits.length).toBeGreaterThan(0);
          for (const h of hits) expect(h.resource).toEqual({ kind: "image", name: "example/app:1" });
        });
      });
      rule.examples.good.forEach((listing, n) => {
        it(`good example ${n} is not reported`, () => {
          expect(run(listing).findings.filter((f) => f.ruleId === rule.id)).toEqual([]);
        });
      });
    });
  }
});

describe("rule failures", () => {
  it("a rule that throws is reported and the other rules' findings are kept", () => {
    const listing = "-rwsr-xr-x 1000 app/helper\n-rw-r--r-- 1 root/.bash_history";
    const all = run(listing).findings.map((f) => f.ruleId);
    const broken = imageContentsRules.find((r) => r.id === "BW-IMG-010")!;
    const spy = vi.spyOn(broken, "check").mockImplementation(() => {
      throw new TypeError("boom");
    });
    try {
      const failures: string[] = [];
      const { layers, config } = parseListing(listing);
      const found = scanImageContents({ target: "example/app:1", layers, config, owners: new Map() }, failures);
      expect(failures).toEqual(["BW-IMG-010 failed: boom"]);
      expect(found.findings.map((f) => f.ruleId)).toEqual(all.filter((id) => id !== "BW-IMG-010"));
      expect(all).toContain("BW-IMG-010");
      expect(found.findings.length).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("listing format", () => {
  it("parses ls -l modes", () => {
    expect(parseMode("-rwsr-xr-x")).toEqual({ type: "file", mode: 0o4755 });
    expect(parseMode("drwxrwxrwt")).toEqual({ type: "dir", mode: 0o1777 });
    expect(parseMode("-rwxr-sr-x")).toEqual({ type: "file", mode: 0o2755 });
    expect(parseMode("-rwSr--r--")).toEqual({ type: "file", mode: 0o4644 });
    expect(() => parseMode("xrw")).toThrow();
  });
});

describe("final view", () => {
  it("a later chmod a-s clears a setuid file, even though the new copy is not notable", () => {
    const before = run("-rwsr-xr-x 1000 usr/bin/passwd").findings.filter((f) => f.ruleId === "BW-IMG-010");
    expect(before).toHaveLength(1);
    expect(before[0]!.path).toBe("/usr/bin/passwd");
    const after = run("-rwsr-xr-x 1000 usr/bin/passwd\n---\n-rwxr-xr-x 1000 usr/bin/passwd").findings;
    expect(after.filter((f) => f.ruleId === "BW-IMG-010")).toEqual([]);
  });

  it("owned setuid files are LOW, foreign ones MEDIUM, with the package named", () => {
    const owners = new Map([["bin/su", "pkg:deb/debian/login@1:4.13?arch=amd64"]]);
    const f = run("-rwsr-xr-x 1000 usr/bin/su\n-rwsr-xr-x 1000 app/helper", owners).findings.filter((x) => x.ruleId === "BW-IMG-010");
    expect(f.map((x) => [x.path, x.severity])).toEqual([["/usr/bin/su", "LOW"], ["/app/helper", "MEDIUM"]]);
    expect(f[0]!.message).toContain("from package login");
  });

  it("reports a deleted secret file with the layer that still ships it", () => {
    const f = run("step COPY . /app\n-rw------- 300 root/.docker/config.json\n---\nstep RUN rm -rf /root/.docker\nwh root/.docker").findings;
    const hit = f.find((x) => x.ruleId === "BW-IMG-015")!;
    expect(hit.path).toBe("/root/.docker/config.json");
    expect(hit.message).toContain("a later layer deletes it, but layer 1 (COPY . /app) still ships it");
    expect(hit.layer?.createdBy).toBe("COPY . /app");
  });

  it("opaque directories hide lower contents but not the directory itself", () => {
    const f = run("drwxrwxrwx 0 data\n-rw-rw-rw- 1 data/x\n---\nopq data").findings.filter((x) => x.ruleId === "BW-IMG-011");
    expect(f.map((x) => x.path)).toEqual(["/data"]);
  });

  it("a cache removed in a later layer is reported as still shipping; one cleaned in the same layer is not there", () => {
    const lists = "-rw-r--r-- 2000 var/lib/apt/lists/a_InRelease\n-rw-r--r-- 3000 var/lib/apt/lists/a_Packages.lz4";
    const late = run(`step RUN apt-get update && apt-get install -y curl\n${lists}\n---\nstep RUN rm -rf /var/lib/apt/lists/*\nwh var/lib/apt/lists/a_InRelease\nwh var/lib/apt/lists/a_Packages.lz4`).findings.filter((x) => x.ruleId === "BW-IMG-017");
    expect(late).toHaveLength(1);
    expect(late[0]!.message).toContain("removed by a later layer");
    expect(late[0]!.message).toContain("4.9 KiB in 2 files");
    const partial = run(`${lists}\n---\nwh var/lib/apt/lists/a_InRelease`).findings.filter((x) => x.ruleId === "BW-IMG-017");
    expect(partial[0]!.message).toContain("is in the final image");
  });
});

describe("attack surface", () => {
  const debianish = [
    "step RUN debootstrap",
    "lrwxrwxrwx 0 bin -> usr/bin",
    "-rwxr-xr-x 125560 usr/bin/dash",
    "lrwxrwxrwx 0 usr/bin/sh -> dash",
    "-rwxr-xr-x 1265648 usr/bin/bash",
    "-rwxr-xr-x 18000 usr/bin/apt-get",
    "-rwxr-xr-x 300000 usr/bin/dpkg",
    "-rwxr-xr-x 4000 usr/bin/ls",
    "---",
    "step RUN apt-get install -y curl netcat-openbsd",
    "-rwxr-xr-x 260000 usr/bin/curl",
    "-rwxr-xr-x 40000 usr/bin/nc.openbsd",
    "lrwxrwxrwx 0 etc/alternatives/nc -> /bin/nc.openbsd",
    "lrwxrwxrwx 0 usr/bin/nc -> /etc/alternatives/nc",
  ].join("\n");

  it("lists tools with size, layer and package, resolving alternatives through merged /usr", () => {
    const owners = new Map([["usr/bin/curl", "pkg:deb/debian/curl@7.88.1-10?arch=amd64"]]);
    const { attackSurface } = run(`config {"config":{"ExposedPorts":{"80/tcp":{}}}}\n${debianish}`, owners);
    expect(attackSurface.service).toBe(true);
    expect(attackSurface.reason).toBe("exposes 80/tcp");
    expect(attackSurface.severity).toBe("HIGH");
    const byPath = new Map(attackSurface.tools.map((t) => [t.path, t]));
    expect([...byPath.keys()].sort()).toEqual(["/usr/bin/apt-get", "/usr/bin/bash", "/usr/bin/curl", "/usr/bin/dash", "/usr/bin/dpkg", "/usr/bin/nc", "/usr/bin/nc.openbsd", "/usr/bin/sh"]);
    expect(byPath.get("/usr/bin/nc")).toMatchObject({ name: "nc", category: "network", resolved: "/usr/bin/nc.openbsd", size: 40000 });
    expect(byPath.get("/usr/bin/nc")!.layer?.createdBy).toBe("RUN apt-get install -y curl netcat-openbsd");
    expect(byPath.get("/usr/bin/sh")).toMatchObject({ resolved: "/usr/bin/dash", size: 125560, category: "shell" });
    expect(byPath.get("/usr/bin/curl")!.package).toBe("pkg:deb/debian/curl@7.88.1-10?arch=amd64");
    // dash counted once though sh points at it.
    expect(attackSurface.totalSize).toBe(125560 + 1265648 + 18000 + 300000 + 260000 + 40000);
  });

  it("severity depends on whether the image is a service", () => {
    const base = run(`config {"config":{"Cmd":["bash"]}}\n${debianish}`);
    expect(base.attackSurface.service).toBe(false);
    expect(base.attackSurface.severity).toBe("LOW");
    expect(new Set(base.findings.filter((f) => f.ruleId.startsWith("BW-IMG-02")).map((f) => f.severity))).toEqual(new Set(["LOW"]));
    const svc = run(`config {"config":{"Entrypoint":["/usr/bin/tini","--"],"Cmd":["node","server.js"]}}\n${debianish}`);
    const sev = Object.fromEntries(svc.findings.filter((f) => f.ruleId.startsWith("BW-IMG-02")).map((f) => [f.ruleId, f.severity]));
    expect(sev).toEqual({ "BW-IMG-020": "MEDIUM", "BW-IMG-021": "MEDIUM", "BW-IMG-024": "HIGH" });
    const net = svc.findings.find((f) => f.ruleId === "BW-IMG-024")!;
    expect(net.message).toContain("runs as a service (runs `node server.js`)");
    expect(net.message).toContain("curl (/usr/bin/curl, 254 KiB, layer 2 (RUN apt-get install -y curl netcat-openbsd))");
  });

  it("busybox applets (hard links) count as tools sized by busybox", () => {
    const { attackSurface } = run("-rwxr-xr-x 1000000 bin/busybox\nhrwxr-xr-x 0 bin/sh -> bin/busybox\nhrwxr-xr-x 0 usr/bin/wget -> bin/busybox\nhrwxr-xr-x 0 bin/ls -> bin/busybox");
    expect(attackSurface.tools.map((t) => [t.name, t.category, t.size])).toEqual([
      ["wget", "network", 1000000],
      ["busybox", "shell", 1000000],
      ["sh", "shell", 1000000],
    ]);
    expect(attackSurface.totalSize).toBe(1000000);
  });

  it("a deleted tool is gone; a non-executable file with a tool name is not a tool", () => {
    const { attackSurface } = run("-rwxr-xr-x 260000 usr/bin/curl\n-rw-r--r-- 10 usr/bin/wget\n---\nwh usr/bin/curl");
    expect(attackSurface.tools).toEqual([]);
    expect(attackSurface.severity).toBeUndefined();
  });
});

describe("hostile layers", () => {
  it("symlink loops and links out of the root resolve to nothing, without hanging", () => {
    const { attackSurface } = run("lrwxrwxrwx 0 usr/bin/curl -> wget\nlrwxrwxrwx 0 usr/bin/wget -> curl\nlrwxrwxrwx 0 usr/bin/nc -> ../../../../../../bin/nc.openbsd");
    expect(attackSurface.tools.map((t) => [t.name, t.size, t.resolved])).toEqual([
      ["curl", 0, "/usr/bin/wget"],
      ["nc", 0, "/bin/nc.openbsd"],
      ["wget", 0, "/usr/bin/curl"],
    ]);
  });

  it("thousands of world-writable files become 100 findings and one summary", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `-rw-rw-rw- 1 data/f${i}`).join("\n");
    const f = run(lines).findings.filter((x) => x.ruleId === "BW-IMG-011");
    expect(f).toHaveLength(101);
    expect(f[100]!.message).toBe("4900 more world-writable paths not listed");
  });
});

describe("service detection", () => {
  const svc = (c: object) => serviceOf({ config: c });
  it.each([
    [{}, false],
    [{ Cmd: ["bash"] }, false],
    [{ Cmd: ["/bin/sh"] }, false],
    [{ Entrypoint: ["docker-entrypoint.sh"], Cmd: ["node"] }, false],
    [{ Cmd: ["python3"] }, false],
    [{ Entrypoint: ["docker-entrypoint.sh"], Cmd: ["postgres"] }, true],
    [{ Cmd: ["nginx", "-g", "daemon off;"] }, true],
    [{ Cmd: ["sh", "-c", "exec gunicorn app:app"] }, true],
    [{ Entrypoint: ["tini", "-g", "--", "gosu", "app", "java", "-jar", "/app.jar"] }, true],
    [{ Cmd: "python app.py" }, true],
    [{ ExposedPorts: { "5432/tcp": {} }, Cmd: ["bash"] }, true],
  ])("%j → %s", (config, expected) => {
    expect(svc(config).service).toBe(expected);
  });
});

describe("catalog", () => {
  it("knows versioned and cross-compiler names", () => {
    expect(toolCategory("gcc-12")).toEqual({ name: "gcc", category: "compiler" });
    expect(toolCategory("x86_64-linux-gnu-gcc-12")).toEqual({ name: "gcc", category: "compiler" });
    expect(toolCategory("pip3.11")).toEqual({ name: "pip", category: "package-manager" });
    expect(toolCategory("ls")).toBeNull();
    expect(toolCategory("docker-credential-gcr")).toBeNull();
  });
  it("tells credential files from look-alikes", () => {
    expect(sensitiveKind("root/.aws/credentials", "credentials")).toBe("credentials");
    expect(sensitiveKind("app/.npmrc", ".npmrc")).toBeNull();
    expect(sensitiveKind("home/app/.npmrc", ".npmrc")).toBe("credentials");
    expect(sensitiveKind("etc/ssh/ssh_host_rsa_key", "ssh_host_rsa_key")).toBe("private-key");
    expect(sensitiveKind("etc/ssh/ssh_host_rsa_key.pub", "ssh_host_rsa_key.pub")).toBeNull();
    expect(sensitiveKind("app/node_modules/x/.env", ".env")).toBeNull();
    expect(sensitiveKind("app/.env.local", ".env.local")).toBe("dotenv");
  });
  it("groups cache files by manager and directory", () => {
    expect(cacheOf("var/cache/apt/archives/curl_7.88.1-10_amd64.deb")).toEqual({ manager: "apt", dir: "var/cache/apt/archives" });
    expect(cacheOf("var/lib/apt/lists/lock")).toBeNull();
    expect(cacheOf("home/app/.cache/pip/http/x")).toEqual({ manager: "pip", dir: "home/app/.cache/pip" });
    expect(cacheOf("usr/lib/python3/dist-packages/pip/x.py")).toBeNull();
  });
});

describe("collector", () => {
  it("hashes every path and keeps only notable entries", () => {
    const c = new ContentsCollector();
    for (let i = 0; i < 3000; i++) c.add({ path: `app/f${i}.js`, type: "file", mode: 0o644, size: 10, linkname: "" });
    c.add({ path: "usr/bin/curl", type: "file", mode: 0o755, size: 10, linkname: "" });
    const r = c.result();
    expect(r.entries.map((e) => e.path)).toEqual(["usr/bin/curl"]);
    const hashes = decodeHashes(r.pathHashes);
    expect(hashes.has(pathHash("app/f2999.js"))).toBe(true);
    expect(hashes.has(pathHash("app/f3000.js"))).toBe(false);
    // JSON-safe: what the layer cache stores.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it("notes a .git directory once however many files it has", () => {
    const doc = contentsDoc({ target: "t", owners: new Map(), ...parseListing("-rw-r--r-- 1 app/.git/HEAD\n-rw-r--r-- 1 app/.git/objects/aa/bb\n-rw-r--r-- 1 app/.git/config") });
    expect(doc.sensitive.map((s) => s.entry.path)).toEqual(["app/.git"]);
  });
});
