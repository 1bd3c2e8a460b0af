// bulwark host on fixture root filesystems: every rule passes on good/, fails on bad/ or flags/,
// and is not applicable on an empty root. Owners and modes are applied to a temporary copy.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHost, hostRules, hostAsReport, hostTable, type HostReport } from "./index.js";
import { parseFlags } from "./sources/flags.js";
import { HostRoot } from "./rootfs.js";
import { unitCommand } from "./sources/systemd.js";
import { topLevelKeyLines } from "./sources/jsonfile.js";
import { missingOnHost } from "../../test/support/tools.js";

// Owners are set with chown: only root can give files to other users.
const notRoot = missingOnHost("host fixture roots", process.getuid?.() === 0, "chown to other users needs root (CI runs as root)");

const FIXTURES = join(import.meta.dirname, "../../test/fixtures/host");
const tmp = mkdtempSync(join(tmpdir(), "bulwark-host-"));
const roots: Record<string, string> = {};
const reports: Record<string, HostReport> = {};

function prepare(name: string): string {
  const dir = join(tmp, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true });
  const modes = JSON.parse(readFileSync(join(FIXTURES, `${name}.modes.json`), "utf8")) as Record<string, string>;
  const ids = (file: string): Map<string, number> => new Map(readFileSync(join(dir, "etc", file), "utf8").split("\n").filter(Boolean).map((l) => [l.split(":")[0]!, Number(l.split(":")[2])]));
  const users = ids("passwd");
  const groups = ids("group");
  for (const [path, spec] of Object.entries(modes)) {
    const [mode, owner] = spec.split(" ");
    const [u, g] = owner!.split(":");
    const uid = users.get(u!) ?? Number(u);
    const gid = groups.get(g!) ?? Number(g);
    chownSync(join(dir, path), uid, gid);
    chmodSync(join(dir, path), parseInt(mode!, 8));
  }
  return dir;
}

beforeAll(async () => {
  if (notRoot) return;
  for (const name of ["good", "bad", "flags"]) {
    roots[name] = prepare(name);
    reports[name] = await checkHost({ root: roots[name], runtimes: false });
  }
  roots.empty = mkdtempSync(join(tmp, "empty-"));
  reports.empty = await checkHost({ root: roots.empty, runtimes: false });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const status = (r: HostReport, id: string): string | undefined => r.results.find((x) => x.ruleId === id)?.status;
const findings = (r: HostReport, id: string) => r.findings.filter((f) => f.ruleId === id);

describe.skipIf(notRoot !== undefined)("bulwark host on fixture roots", () => {
  const fileRules = hostRules().filter((r) => !["BW-HOST-100", "BW-HOST-101"].includes(r.id));

  it.each(fileRules.map((r) => r.id))("%s passes on good/ and fails on bad/ or flags/", (id) => {
    expect(status(reports.good!, id), JSON.stringify(reports.good!.findings.filter((f) => f.ruleId === id))).toBe("pass");
    expect([status(reports.bad!, id), status(reports.flags!, id)]).toContain("fail");
    expect(status(reports.empty!, id)).toBe("not-applicable");
  });

  it("has no notes or errors on the fixtures it understands", () => {
    expect(reports.good!.notes).toEqual([]);
    expect(reports.good!.findings).toEqual([]);
    expect(reports.bad!.results.filter((r) => r.status === "error")).toEqual([]);
  });

  it("cites the daemon.json line of each key, matching the file", () => {
    const text = readFileSync(join(roots.bad!, "etc/docker/daemon.json"), "utf8").split("\n");
    for (const [id, key] of [["BW-HOST-010", "icc"], ["BW-HOST-016", "live-restore"], ["BW-HOST-018", "experimental"], ["BW-HOST-019", "no-new-privileges"]] as const) {
      const [f] = findings(reports.bad!, id);
      expect(f, id).toBeDefined();
      expect(f!.path).toBe("/etc/docker/daemon.json");
      expect(text[f!.line! - 1]).toContain(`"${key}"`);
      expect(f!.references.cis).toMatch(/^CIS Docker 2\./);
    }
    const insecure = findings(reports.bad!, "BW-HOST-011").map((f) => f.message);
    expect(insecure).toHaveLength(2);
    expect(insecure.join(" ")).toContain("10.0.0.0/8");
    expect(findings(reports.bad!, "BW-HOST-012")[0]!.message).toContain("tcp://0.0.0.0:2375");
  });

  it("reports mode and owner as lstat and the root's passwd/group give them", () => {
    const sock = findings(reports.bad!, "BW-HOST-037");
    expect(sock).toHaveLength(1);
    const st = lstatSync(join(roots.bad!, "run/docker.sock"));
    expect((st.mode & 0o777).toString(8)).toBe("666");
    // var/run is a symlink to ../run inside the root: resolved there, not on this machine.
    expect(sock[0]!.evidence[0]).toBe("/var/run/docker.sock (-> /run/docker.sock): file mode 0666, owner root:docker");
    // stat(1) agrees on the numbers; the names come from the fixture's own /etc/group (docker = 999).
    expect(execFileSync("stat", ["-c", "%a %u:%g", join(roots.bad!, "run/docker.sock")], { encoding: "utf8" }).trim()).toBe("666 0:999");
    const dj = findings(reports.bad!, "BW-HOST-038")[0]!;
    expect(dj.message).toContain("owner alice is not root");
    const kp = findings(reports.bad!, "BW-HOST-081")[0]!;
    expect(kp.evidence[0]).toContain("owner alice:alice");
    // Only the key of the TLS files is held to 0400; CA and cert to 0444.
    expect(findings(reports.bad!, "BW-HOST-036")[0]!.message).toContain("more permissive than 0400");
    expect(findings(reports.bad!, "BW-HOST-035")[0]!.message).toMatch(/0664 is more permissive than 0444; owner alice is not root; group alice is not root/);
  });

  it("reads dockerd flags from the unit's drop-in and its environment file", () => {
    const r = reports.flags!;
    const icc = findings(r, "BW-HOST-010")[0]!;
    expect(icc.path).toBe("/etc/systemd/system/docker.service.d/override.conf");
    expect(icc.line).toBe(5);
    expect(icc.evidence[0]).toContain("dockerd --icc=true");
    expect(findings(r, "BW-HOST-011")[0]!.message).toContain("10.1.2.3:5000");
    expect(findings(r, "BW-HOST-012")[0]!.message).toContain("tcp://0.0.0.0:2375");
    expect(status(r, "BW-HOST-018")).toBe("fail");
    expect(findings(r, "BW-HOST-015")[0]!.evidence[0]).toContain("--log-driver=json-file");
  });

  it("splits ExecStart like a POSIX shell would (checked against bash), expanding unit variables", () => {
    const root = new HostRoot(roots.flags!);
    const cmd = unitCommand(root, "docker.service")!;
    expect(cmd.files).toEqual(["/lib/systemd/system/docker.service", "/etc/systemd/system/docker.service.d/override.conf"]);
    const line = '/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375 --insecure-registry 10.1.2.3:5000 --experimental --icc=true     --log-driver "json-file" --label \'owner=ops team\'';
    const bash = execFileSync("bash", ["-c", `printf '%s\\n' ${line}`], { encoding: "utf8" }).trimEnd().split("\n");
    expect(cmd.argv).toEqual(bash);
    const flags = parseFlags(cmd.argv, new Set(["experimental", "icc"]), { H: "host" }, "x", "x");
    expect(flags.values.get("host")).toEqual(["fd://", "tcp://0.0.0.0:2375"]);
    expect(flags.values.get("label")).toEqual(["owner=ops team"]);
    expect(flags.values.get("experimental")).toEqual(["true"]);
  });

  it("takes kubelet flags from kubeadm's drop-in and env files over the config file", () => {
    const r = reports.flags!;
    const anon = findings(r, "BW-HOST-060")[0]!;
    expect(anon.evidence[0]).toContain("kubelet --anonymous-auth=true");
    expect(anon.path).toBe("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf");
    expect(findings(r, "BW-HOST-061")[0]!.evidence[0]).toContain("--authorization-mode=AlwaysAllow");
    expect(findings(r, "BW-HOST-067")[0]!.message).toContain("node-x");
    expect(findings(r, "BW-HOST-083")[0]!.path).toBe("/etc/kubernetes/pki/ca.crt");
    // Not set anywhere: the v1beta1 config file defaults apply (read-only port only through the flag).
    expect(status(r, "BW-HOST-065")).toBe("fail");
    expect(findings(r, "BW-HOST-065")[0]!.evidence[0]).toMatch(/not set in \/var\/lib\/kubelet\/config.yaml/);
  });

  it("cites the kubelet config file line of each field", () => {
    const text = readFileSync(join(roots.bad!, "var/lib/kubelet/config.yaml"), "utf8").split("\n");
    for (const [id, key] of [["BW-HOST-060", "enabled: true"], ["BW-HOST-061", "mode: AlwaysAllow"], ["BW-HOST-063", "readOnlyPort"], ["BW-HOST-064", "streamingConnectionIdleTimeout"], ["BW-HOST-068", "eventRecordQPS"], ["BW-HOST-070", "rotateCertificates"]] as const) {
      const f = findings(reports.bad!, id)[0];
      expect(f, id).toBeDefined();
      expect(text[f!.line! - 1], id).toContain(key);
      expect(f!.references.cis, id).toMatch(/^CIS Kubernetes 4\.2\./);
    }
  });

  it("checks containerd, hosts.toml, CRI-O and registries.conf", () => {
    const r = reports.bad!;
    const reg = findings(r, "BW-HOST-050").map((f) => f.message);
    expect(reg).toEqual(expect.arrayContaining([
      "registry registry.local:5000 is used without certificate verification",
      "images for docker.io are pulled over plain HTTP from http://mirror.local:5000",
      "/etc/containerd/certs.d/registry.local/hosts.toml: images are pulled over plain HTTP from http://registry.local",
      "/etc/containerd/certs.d/registry.local/hosts.toml: https://registry.local:8443 is used without certificate verification",
    ]));
    expect(findings(r, "BW-HOST-053").map((f) => f.path).sort()).toEqual(["/etc/containers/registries.conf", "/etc/crio/crio.conf"]);
    expect(findings(r, "BW-HOST-054")).toHaveLength(2);
    expect(findings(r, "BW-HOST-055").map((f) => f.message)).toEqual(expect.arrayContaining(["containerd starts containers without SELinux labels", "CRI-O starts containers without SELinux labels"]));
  });

  it("finds the audit watches for Docker paths (-w and -F path=)", () => {
    const missing = findings(reports.bad!, "BW-HOST-001").map((f) => f.path);
    expect(missing).toContain("/usr/bin/dockerd");
    expect(missing).toContain("/lib/systemd/system/docker.socket");
  });

  it("writes table and SARIF-ready reports", () => {
    const t = hostTable(reports.bad!);
    expect(t).toContain("BW-HOST-012");
    expect(t).toContain("[CIS Docker 2.7]");
    const rep = hostAsReport(reports.bad!, { name: "bulwark", version: "0" });
    expect(rep.misconfigurations).toHaveLength(reports.bad!.findings.length);
    expect(rep.misconfigurations[0]!.message).toContain("Evidence:");
  });

  it("tells an invalid daemon.json apart from a passing one", async () => {
    const dir = join(tmp, "broken");
    cpSync(roots.good!, dir, { recursive: true, verbatimSymlinks: true });
    execFileSync("sh", ["-c", 'printf "{\\n  \\"icc\\": false,\\n}\\n" > "$1"', "sh", join(dir, "etc/docker/daemon.json")]);
    const r = await checkHost({ root: dir, runtimes: false });
    expect(status(r, "BW-HOST-010")).toBe("not-applicable");
    expect(r.notes.map((n) => n.message).join("\n")).toMatch(/daemon.json is not valid JSON/);
  });

  it("follows absolute symlinks inside the root, never out of it, and stops on loops", async () => {
    const dir = join(tmp, "links");
    mkdirSync(join(dir, "etc/docker"), { recursive: true });
    mkdirSync(join(dir, "srv"), { recursive: true });
    writeFileSync(join(dir, "srv/daemon.json"), '{"icc": true}\n');
    symlinkSync("/srv/daemon.json", join(dir, "etc/docker/daemon.json"));
    symlinkSync("/etc/passwd", join(dir, "etc/passwd"));
    const r = await checkHost({ root: dir, runtimes: false });
    const icc = findings(r, "BW-HOST-010")[0]!;
    expect(icc.evidence[0]).toBe('/etc/docker/daemon.json line 1: "icc": true');
    // etc/passwd -> /etc/passwd is itself: a loop inside the root, not this machine's passwd.
    const root = new HostRoot(dir);
    expect(root.read("/etc/passwd")).toBeNull();
    expect(root.userName(0)).toBe("0");
    writeFileSync(join(dir, "etc/hostname"), "inside\n");
    symlinkSync("../../srv/../../../../etc/hostname", join(dir, "srv/escape"));
    expect(root.read("/srv/escape")).toBe("inside\n");
    expect(root.resolve("/srv/escape")).toBe(join(dir, "etc/hostname"));
  });

  it("never prints credentials found in registry URLs", async () => {
    const dir = join(tmp, "creds");
    mkdirSync(join(dir, "etc/containerd"), { recursive: true });
    writeFileSync(join(dir, "etc/containerd/config.toml"), '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://mirror-user:S3cr3t-pw@mirror.local:5000"]\n');
    const r = await checkHost({ root: dir, runtimes: false });
    const text = JSON.stringify(r);
    expect(findings(r, "BW-HOST-050")).toHaveLength(1);
    expect(text).not.toContain("S3cr3t-pw");
    expect(text).not.toContain("mirror-user");
    expect(findings(r, "BW-HOST-050")[0]!.message).toContain("http://***@mirror.local:5000");
  });

  it("finds key lines in JSON text with nested and escaped strings", () => {
    const text = '{\n "a": {"icc": 1},\n "b\\"x": "}{",\n\n "icc": [ {"c": 2} ]\n}';
    expect([...topLevelKeyLines(text)]).toEqual([["a", 2], ['b"x', 3], ["icc", 5]]);
  });

  it("refuses a root that is not a directory, with a one-line error", async () => {
    await expect(checkHost({ root: join(FIXTURES, "SOURCE.txt") })).rejects.toThrow(/not a directory/);
    await expect(checkHost({ root: join(tmp, "nope") })).rejects.toThrow(/no such directory/);
  });
});
