import { describe, expect, it } from "vitest";
import { ComposeParseError, composeRules, isComposeFile, scanCompose } from "./index.js";

describe("compose rule contract", () => {
  it("has unique ids", () => {
    expect(new Set(composeRules.map((r) => r.id)).size).toBe(composeRules.length);
  });
  for (const rule of composeRules) {
    describe(rule.id, () => {
      it("has examples and references", () => {
        expect(rule.examples.bad.length).toBeGreaterThan(0);
        expect(rule.examples.good.length).toBeGreaterThan(0);
        expect(Object.keys(rule.references).length).toBeGreaterThan(0);
      });
      rule.examples.bad.forEach((text, i) =>
        it(`fires on bad example ${i + 1}`, () => {
          const hits = scanCompose(text, "compose.yaml").filter((f) => f.ruleId === rule.id);
          expect(hits.length).toBeGreaterThan(0);
          for (const h of hits) expect(h.line).toBeTypeOf("number");
        }),
      );
      rule.examples.good.forEach((text, i) =>
        it(`is quiet on good example ${i + 1}`, () => {
          expect(scanCompose(text, "compose.yaml").filter((f) => f.ruleId === rule.id)).toEqual([]);
        }),
      );
    });
  }
});

const FILE = `name: shop
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: s3cretpassword
      POSTGRES_USER: shop
  agent:
    image: example/agent
    privileged: true
    pid: host
    user: root
    cap_add: [SYS_ADMIN, CHOWN]
    volumes:
      - ./conf:/conf:ro
      - /var/run/docker.sock:/var/run/docker.sock
    security_opt:
      - apparmor:unconfined
    environment:
      - LOG_LEVEL=info
      - GITHUB_TOKEN=ghp_abcdefghijklmnop
`;

const composeDevices = (dev: string): string => ["services:", "  a:", "    image: x/y:1", "    devices:", `      - "${dev}"`].join("\n");

describe("scanCompose", () => {
  const fs = scanCompose(FILE, "deploy/compose.yaml");
  const at = (id: string) => fs.filter((f) => f.ruleId === id).map((f) => [f.resource?.name, f.line]);

  it("recognises compose file names", () => {
    for (const p of ["docker-compose.yml", "a/docker-compose.prod.yaml", "compose.yaml", "compose.override.yml", "docker-compose-dev.yml"]) expect(isComposeFile(p), p).toBe(true);
    for (const p of ["composer.yml", "k8s/deploy.yaml", "compose.json"]) expect(isComposeFile(p), p).toBe(false);
  });

  it("reports exact lines per service", () => {
    expect(at("BW-COMPOSE-001")).toEqual([["agent", 10]]);
    expect(at("BW-COMPOSE-003")).toEqual([["agent", 11]]);
    expect(at("BW-COMPOSE-010")).toEqual([["agent", 12]]);
    expect(at("BW-COMPOSE-005")).toEqual([["agent", 13]]);
    expect(fs.find((f) => f.ruleId === "BW-COMPOSE-005")).toMatchObject({ severity: "HIGH", message: 'service "agent" adds SYS_ADMIN' });
    expect(at("BW-COMPOSE-006")).toEqual([["agent", 16]]);
    expect(at("BW-COMPOSE-007")).toEqual([["agent", 18]]);
    expect(at("BW-COMPOSE-008")).toEqual([
      ["db", 6],
      ["agent", 21],
    ]);
    expect(at("BW-COMPOSE-009")).toEqual([["agent", 9]]);
    expect(fs.every((f) => f.path === "deploy/compose.yaml")).toBe(true);
  });

  it("reports host devices and user namespace sharing at their lines, with per-entry severity", () => {
    const text = [
      "services:", // 1
      "  media:", // 2
      "    image: example/media:2", // 3
      "    userns_mode: host", // 4
      "    devices:", // 5
      "      - /dev/snd:/dev/snd", // 6
      "      - /dev/nvme0n1:/dev/disk0:r", // 7
      "      - source: /dev/", // 8
      "        target: /dev/host", // 9
      "      - type: bogus", // 10 (no source: ignored)
      "    device_cgroup_rules:", // 11
      "      - 'c *:* m'", // 12 (mknod only, Docker's default)
      "      - 'c 189:* rmw'", // 13
      "      - 'a *:* rwm'", // 14
      "  web:", // 15
      "    image: example/web:2", // 16
      "    userns_mode: private", // 17
      "    devices: [/dev/fuse]", // 18
    ].join("\n");
    const f = scanCompose(text, "compose.yaml");
    const got = (id: string) => f.filter((x) => x.ruleId === id).map((x) => [x.resource?.name, x.line, x.severity]);
    expect(got("BW-COMPOSE-011")).toEqual([
      ["media", 6, "MEDIUM"],
      ["media", 7, "HIGH"],
      ["media", 8, "HIGH"],
      ["media", 13, "MEDIUM"],
      ["media", 14, "HIGH"],
      ["web", 18, "MEDIUM"],
    ]);
    expect(f.find((x) => x.ruleId === "BW-COMPOSE-011" && x.line === 8)?.message).toBe('service "media" maps host device /dev into the container');
    expect(got("BW-COMPOSE-012")).toEqual([["media", 4, "MEDIUM"]]);
  });

  it("rates raw block devices and kernel memory HIGH, other devices MEDIUM", () => {
    const sev = (dev: string) => scanCompose(composeDevices(dev), "c.yaml").find((x) => x.ruleId === "BW-COMPOSE-011")?.severity;
    for (const d of ["/dev/sda", "/dev/sdb1:/dev/sdb1", "/dev/nvme0n1p2", "/dev/mem:/dev/mem:r", "/dev/kmem", "/dev/port", "/dev/disk/by-id/x:/dev/x", "/dev/mapper/vg-root", "/dev"]) expect(sev(d), d).toBe("HIGH");
    for (const d of ["/dev/fuse", "/dev/net/tun:/dev/net/tun", "/dev/snd", "/dev/dri/renderD128", "/dev/ttyUSB0:/dev/ttyUSB0:rw", "/dev/memory_bandwidth"]) expect(sev(d), d).toBe("MEDIUM");
  });

  it("honours bulwark:ignore", () => {
    const text = FILE.replace("    privileged: true", "    # bulwark:ignore BW-COMPOSE-001 needs devices\n    privileged: true");
    expect(scanCompose(text, "c.yaml").filter((f) => f.ruleId === "BW-COMPOSE-001")).toEqual([]);
  });

  it("handles hostile input with clear errors", () => {
    expect(scanCompose("", "c.yaml")).toEqual([]);
    expect(scanCompose("just a string", "c.yaml")).toEqual([]);
    expect(scanCompose("services: 5", "c.yaml")).toEqual([]);
    expect(scanCompose("services:\n  x: [1, 2]\n  y:\n    volumes: 7\n    environment: 3\n    cap_add: {a: 1}", "c.yaml")).toEqual([]);
    expect(() => scanCompose("services:\n  a: [unclosed", "c.yaml")).toThrow(ComposeParseError);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`);
    expect(() => scanCompose(bomb.join("\n"), "c.yaml")).toThrow(/alias/i);
    const deep = "services: " + "[".repeat(5000) + "]".repeat(5000);
    try {
      scanCompose(deep, "c.yaml");
    } catch (e) {
      expect(e).toBeInstanceOf(ComposeParseError);
    }
  });
});
