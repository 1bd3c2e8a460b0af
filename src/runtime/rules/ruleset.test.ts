import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../test/support/upstream.js";
import type { K8sAuditEvent, SyscallEvent } from "../event.js";
import { RuleEngine, type Alert } from "../engine.js";
import { DEFAULT_RULES, DEFAULT_RULES_NAME as DEFAULT_RULES_NAME_FOR_TEST } from "../default-rules.js";
import { AuditParser, decodeSockaddr } from "../sources/audit.js";
import { ARGS_BYTES, ARGS_WORDS, parseBpftraceLine } from "../sources/bpftrace.js";
import { probesForRules } from "../index.js";
import { parseK8sAuditLine } from "../sources/k8s-audit.js";
import type { FieldContext } from "./fields.js";
import { RuleLoader } from "./ruleset.js";

const ctx: FieldContext = {
  ancestor: (ev, n) => (n === 1 && ev.proc.pname ? { pid: ev.proc.ppid ?? 0, name: ev.proc.pname } : undefined),
  container: (id) => ({ id, name: "web", image: "docker.io/library/nginx:1.27" }),
  userName: (uid) => (uid === 0 ? "root" : undefined),
  groupName: () => undefined,
  hostname: "test-host",
};

function load(...files: Array<[string, string]>) {
  const l = new RuleLoader();
  for (const [n, t] of files) l.add(n, t);
  return l.finish();
}

function run(rulesText: string, events: Array<SyscallEvent | K8sAuditEvent>): Alert[] {
  const alerts: Alert[] = [];
  const e = new RuleEngine(load(["r.yaml", rulesText]), ctx, { onAlert: (a) => alerts.push(a), dedupeSeconds: 0, ratePerRule: 0 });
  for (const ev of events) e.handle(ev);
  return alerts;
}

/** A comm as the bpftrace program prints it: 16 bytes as two little-endian 64-bit numbers in hex, tab-separated. */
const hc = (name: string): string => {
  const b = Buffer.alloc(16);
  b.write(name, "utf8");
  return `${b.readBigUInt64LE(0).toString(16)}\t${b.readBigUInt64LE(8).toString(16)}`;
};

/** argv as the exec probe prints it: its length (bytes, NUL after each argument), then the 64-bit words in hex. */
const aw = (argv: Array<string | Buffer>): string => {
  const raw = Buffer.concat(argv.flatMap((a) => [Buffer.isBuffer(a) ? a : Buffer.from(a, "utf8"), Buffer.of(0)]));
  const n = Math.min(raw.length, ARGS_BYTES);
  const b = Buffer.alloc(ARGS_BYTES);
  raw.copy(b, 0, 0, n);
  return [n, ...Array.from({ length: ARGS_WORDS }, (_, i) => (i * 8 < n ? b.readBigUInt64LE(i * 8).toString(16) : "0"))].join("\t");
};

const exec = (name: string, args: string[], containerId?: string): SyscallEvent => ({
  source: "syscall", time: 1_700_000_000_000, type: "execve", dir: "<", res: 0, origin: "test", args: {},
  proc: { pid: 10, ppid: 1, name, exe: name, exepath: `/bin/${name}`, args, pname: "runc:[2:INIT]", uid: 0 },
  ...(containerId ? { containerId } : {}),
});

describe("Falco rule files", () => {
  it("loads Falco's stable rules with no error and says why each disabled rule cannot run", () => {
    const f = fixturePath("falco-rules/rules/falco_rules.yaml");
    const r = load([f, readFileSync(f, "utf8")]);
    expect(r.errors).toEqual([]);
    expect(r.rules).toHaveLength(25);
    const disabled = r.rules.filter((x) => !x.enabled);
    for (const d of disabled) expect(d.reason).toMatch(/not supplied|not produced/);
    expect(r.rules.find((x) => x.name === "Terminal shell in container")?.enabled).toBe(true);
    expect(r.rules.find((x) => x.name === "Packet socket created in container")?.reason).toMatch(/event types socket are not produced/);
    console.log(`falco_rules.yaml: ${r.rules.length - disabled.length} enabled, ${disabled.length} disabled`);
  });

  it("loads Falco's incubating and sandbox rules and the archived application macros with the stable ones, with no error", () => {
    const files = ["rules/falco_rules.yaml", "rules/falco-incubating_rules.yaml", "rules/falco-sandbox_rules.yaml", "archive/application_rules.yaml"].map((f) => fixturePath(`falco-rules/${f}`));
    const r = load(...files.map((f): [string, string] => [f, readFileSync(f, "utf8")]));
    expect(r.errors).toEqual([]);
    expect(r.rules).toHaveLength(77);
    const incubating = r.rules.filter((x) => x.file.endsWith("falco-incubating_rules.yaml"));
    expect(incubating).toHaveLength(25);
    const sandbox = r.rules.filter((x) => x.file.endsWith("falco-sandbox_rules.yaml"));
    expect(sandbox).toHaveLength(27);
    for (const d of r.rules.filter((x) => !x.enabled)) expect(d.reason).toMatch(/not supplied|not produced|disabled in the rules file/);
    // Sandbox rules that ship with enabled: false stay off, with that reason first.
    expect(r.rules.find((x) => x.name === "Create Hidden Files or Directories")?.reason).toMatch(/^disabled in the rules file/);
    expect(r.rules.find((x) => x.name === "Detect crypto miners using the Stratum protocol")?.enabled).toBe(true);
    expect(r.rules.find((x) => x.name === "Non sudo setuid")?.enabled).toBe(true);
    expect(r.rules.find((x) => x.name === "Launch Package Management Process in Container")?.enabled).toBe(true);
    console.log(`stable + incubating + sandbox: ${r.rules.filter((x) => x.enabled).length} enabled of ${r.rules.length}; incubating ${incubating.filter((x) => x.enabled).length} of 25; sandbox ${sandbox.filter((x) => x.enabled).length} of 27`);
  });

  it("loads the k8saudit plugin's rules (with its empty item) and supplies every field they use", () => {
    const f = fixturePath("falco-plugins/plugins/k8saudit/rules/k8s_audit_rules.yaml");
    const r = load([f, readFileSync(f, "utf8")]);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => `${w.line}: ${w.message}`)).toEqual(["81: empty item: ignored"]);
    expect(r.rules.filter((x) => x.enabled)).toHaveLength(43);
  });

  it("points parse errors at file:line:col, also inside folded block scalars", () => {
    const r = load(["bad.yaml", "- macro: m\n  condition: >\n    proc.name = sh and\n    (fd.name startswith /etc\n- rule: x\n  desc: d\n  condition: evt.type = execve and proc.name in (a, b\n  output: o\n  priority: INFO\n"]);
    expect(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([
      expect.stringMatching(/^4:28 macro m: unexpected end of condition: missing "\)"/),
      expect.stringMatching(/^7:53 rule x: unexpected end of condition: list not closed/),
    ]);
    expect(r.rules[0]).toMatchObject({ name: "x", enabled: false });
  });

  it("applies lists, macros, exceptions, append and override like Falco", () => {
    const base = `
- list: shells
  items: [sh]
- macro: spawned
  condition: evt.type = execve and evt.dir = <
- rule: shell
  desc: d
  condition: spawned and proc.name in (shells)
  output: "shell %proc.name %proc.cmdline in %container.id (%container.name)"
  priority: WARNING
  exceptions:
    - name: allowed
      fields: [proc.name, proc.args]
      comps: [=, contains]
      values: [[sh, healthcheck]]
`;
    const local = `
- list: shells
  items: [bash]
  override:
    items: append
- rule: shell
  condition: and not proc.pname = cron
  override:
    condition: append
`;
    const alerts: Alert[] = [];
    const e = new RuleEngine(load(["base.yaml", base], ["local.yaml", local]), ctx, { onAlert: (a) => alerts.push(a), dedupeSeconds: 0, ratePerRule: 0 });
    e.handle(exec("bash", ["-i"], "a".repeat(64)));
    e.handle(exec("sh", ["-c", "healthcheck"], "a".repeat(64)));
    e.handle({ ...exec("sh", ["-c", "x"]), proc: { ...exec("sh", []).proc, pname: "cron" } });
    e.handle(exec("zsh", []));
    expect(alerts.map((a) => a.output)).toEqual([`shell bash bash -i in ${"a".repeat(12)} (web)`]);
    expect(alerts[0]).toMatchObject({ rule: "shell", priority: "Warning", container: { id: "a".repeat(64), name: "web", image: "docker.io/library/nginx:1.27" } });
  });

  it("supports Falco's operators and transformers", () => {
    const rule = (cond: string) => `- rule: r\n  desc: d\n  condition: ${cond}\n  output: o\n  priority: INFO\n`;
    const ev = exec("curl", ["-s", "http://x"]);
    const fires = (cond: string) => run(rule(cond), [ev]).length === 1;
    expect(fires("proc.name glob 'cu*'")).toBe(true);
    expect(fires("proc.name pmatch (/x)")).toBe(false);
    expect(fires("proc.exepath pmatch (/bin)")).toBe(true);
    expect(fires("proc.cmdline icontains HTTP")).toBe(true);
    expect(fires("proc.name regex 'c.rl'")).toBe(true);
    expect(fires("toupper(proc.name) = CURL")).toBe(true);
    expect(fires("proc.pid > 5 and proc.pid <= 10")).toBe(true);
    expect(fires("proc.exe = val(proc.name)")).toBe(true);
    expect(fires("proc.name bstartswith 6375")).toBe(true);
    expect(fires("not proc.name exists")).toBe(false);
    expect(fires("proc.name in (a, b) or (proc.name startswith c and proc.args endswith x)")).toBe(true);
  });

  it("runs the default rules on parsed bpftrace lines", () => {
    const line = `X\t77\t77\t70\t0\t4294967295\t9\t4026531836\t${hc("dpkg")}\t${hc("sh")}\t${aw(["/usr/bin/dpkg", "-l"])}\t/usr/bin/dpkg`;
    const raw = parseBpftraceLine(line)!;
    expect(raw.ev.proc).toMatchObject({ pid: 77, ppid: 70, name: "dpkg", pname: "sh", exepath: "/usr/bin/dpkg", args: ["-l"] });
    raw.ev.containerId = "b".repeat(64);
    const alerts = run(DEFAULT_RULES, [raw.ev]);
    expect(alerts.map((a) => a.rule)).toEqual(["Package manager run in a container"]);
    const open = parseBpftraceLine(`O\t5\t5\t1\t1000\t1000\t1\t4026531836\t${hc("cat")}\t${hc("bash")}\t0\t-100\t524288\t3\t/etc/shadow`)!;
    expect(open.ev.args).toMatchObject({ flags: "O_RDONLY|O_CLOEXEC" });
    expect(run(DEFAULT_RULES, [open.ev]).map((a) => a.output_fields["fd.name"])).toEqual(["/etc/shadow"]);
  });
});

describe("kernel-side filters from the rules", () => {
  it("says which rules can match a failed open, and which probes a rule set needs", () => {
    const def = load([DEFAULT_RULES_NAME_FOR_TEST, DEFAULT_RULES]);
    const opens = def.rules.filter((r) => r.enabled && r.source === "syscall" && (r.eventTypes === "all" || r.eventTypes.has("openat")));
    expect(opens.map((r) => [r.name, r.failedOpens])).toEqual([
      ["Sensitive file opened for reading", false],
      ["Write below a system binary directory", false],
    ]);
    expect(probesForRules(def.rules)).toEqual({ open: true, failedOpens: false, connect: true, setid: true });
    // Falco's stable rules: one open rule reads failed opens on purpose (open_file_failed: fd.num=-1), so they are kept.
    const falco = load(["falco_rules.yaml", readFileSync(fixturePath("falco-rules/rules/falco_rules.yaml"), "utf8")]);
    const falcoOpens = falco.rules.filter((r) => r.enabled && r.source === "syscall" && (r.eventTypes === "all" || r.eventTypes.has("openat")));
    expect(falcoOpens.filter((r) => r.failedOpens !== false).map((r) => r.name)).toEqual(["Directory traversal monitored file read"]);
    expect(falcoOpens.length).toBeGreaterThan(1);
    expect(probesForRules(falco.rules)).toMatchObject({ open: true, failedOpens: true });
    const rule = (cond: string) => `- rule: r\n  desc: d\n  condition: ${cond}\n  output: o\n  priority: WARNING\n`;
    const probes = (cond: string) => probesForRules(load(["r.yaml", rule(cond)]).rules);
    expect(probes("evt.type=execve and proc.name=sh")).toEqual({ open: false, failedOpens: false, connect: false, setid: false });
    expect(probes("evt.type=connect")).toEqual({ open: false, failedOpens: false, connect: true, setid: false });
    expect(probes("evt.type in (setresuid) and user.uid != 0")).toMatchObject({ open: false, setid: true });
    expect(probes("evt.type=openat and fd.name=/etc/shadow")).toMatchObject({ open: true, failedOpens: true });
    expect(probes("evt.type=openat and evt.failed=true")).toMatchObject({ failedOpens: true });
    expect(probes("evt.type=openat and fd.num>=0")).toMatchObject({ failedOpens: false });
    expect(probes("evt.type=openat and fd.num>-1")).toMatchObject({ failedOpens: false });
    expect(probes("evt.type=openat and fd.num>-2")).toMatchObject({ failedOpens: true });
    expect(probes("evt.type=openat and evt.res=SUCCESS")).toMatchObject({ failedOpens: false });
    expect(probes("evt.type=openat and evt.rawres<0")).toMatchObject({ failedOpens: true });
    expect(probes("evt.type=openat and (fd.num>=0 or fd.name=/x)")).toMatchObject({ failedOpens: true });
    expect(probes("evt.type=openat and not fd.num<0")).toMatchObject({ failedOpens: true });
    // A rule not pinned to event types may match anything: every probe, failed opens too.
    expect(probes("proc.name=nc")).toEqual({ open: true, failedOpens: true, connect: true, setid: true });
    // Disabled rules count for nothing.
    expect(probesForRules(load(["r.yaml", rule("proc.name=nc") + "  enabled: false\n"]).rules)).toEqual({ open: false, failedOpens: false, connect: false, setid: false });
  });
});

describe("bpftrace lines", () => {
  it("checks the run's nonce, keeps tabs in paths, decodes comm bytes and argv words", () => {
    const o = (first: string, comm: string, path: string) => `${first}\t5\t6\t1\t1000\t1000\t1\t4026531836\t${hc(comm)}\t${hc("sh")}\t0\t-100\t0\t3\t${path}`;
    expect(parseBpftraceLine(o("Oab12", "cat", "/x"), "ab12")?.ev.fd?.name).toBe("/x");
    // A line without the run's nonce (or with another one) is not an event.
    expect(parseBpftraceLine(o("O", "cat", "/x"), "ab12")).toBeUndefined();
    expect(parseBpftraceLine(o("Oab13", "cat", "/x"), "ab12")).toBeUndefined();
    const tabbed = parseBpftraceLine(o("O", "a\tb\nc", "/tmp/a\tb\t/etc/shadow"))!;
    // A comm holding a tab cannot shift the fields after it (it is printed as numbers).
    expect(tabbed.ev.proc).toMatchObject({ name: "a\tb\nc", pname: "sh", pid: 5, tid: 6 });
    expect(tabbed.ev.fd?.name).toBe("/tmp/a\tb\t/etc/shadow");
    expect(parseBpftraceLine(o("O", "fifteen-chars-x", "/y"))!.ev.proc.name).toBe("fifteen-chars-x");
    const x = parseBpftraceLine(`X\t7\t7\t1\t0\t0\t1\t1\t${hc("sh")}\t${hc("bash")}\t${aw(["sh", "-c", Buffer.from([0x65, 0x63, 0x68, 0x6f, 0x20, 1, 0xff])])}\t/bin/sh`)!;
    expect(x.ev.proc.args).toEqual(["-c", Buffer.from([0x65, 0x63, 0x68, 0x6f, 0x20, 1, 0xff]).toString("utf8")]);
    expect(x.ev.proc.exepath).toBe("/bin/sh");
  });
});

describe("engine throughput (no kernel: the JavaScript side alone)", () => {
  it("parses and evaluates bpftrace lines with the default rules", () => {
    const lines = [
      `X\t77\t77\t70\t0\t4294967295\t9\t4026531836\t${hc("cat")}\t${hc("sh")}\t${aw(["/bin/cat", "/etc/passwd"])}\t/bin/cat`,
      `O\t77\t77\t70\t0\t4294967295\t9\t4026531836\t${hc("cat")}\t${hc("sh")}\t0\t-100\t524288\t3\t/etc/passwd`,
      `O\t77\t77\t70\t0\t4294967295\t9\t4026531836\t${hc("cat")}\t${hc("sh")}\t0\t-100\t0\t3\t/usr/lib/x86_64-linux-gnu/libc.so.6`,
      `C\t77\t77\t70\t0\t4294967295\t9\t4026531836\t${hc("curl")}\t${hc("sh")}\t4\t3\t0\t6\t1\t443\t40000\t93.184.216.34\t10.0.0.2`,
    ];
    let alerts = 0;
    const e = new RuleEngine(load([DEFAULT_RULES_NAME_FOR_TEST, DEFAULT_RULES]), ctx, { onAlert: () => void alerts++, dedupeSeconds: 0, ratePerRule: 0 });
    const n = 200_000;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const raw = parseBpftraceLine(lines[i % lines.length]!)!;
      raw.ev.containerId = "c".repeat(64);
      e.handle(raw.ev);
    }
    const cpu = process.cpuUsage(cpu0);
    const perSec = n / ((cpu.user + cpu.system) / 1e6);
    console.log(`engine alone: ${Math.round(perSec)} events/s per core (${n} events, ${alerts} alerts)`);
    expect(alerts).toBe(0);
    expect(e.stats.events).toBe(n);
  });
});

describe("auditd logs", () => {
  it("groups records by serial into events the default rules read", () => {
    // Lines in auditd's format (an execve of cat, its open of /etc/shadow, a connect to port 4444).
    const log = [
      `type=SYSCALL msg=audit(1700000000.100:501): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=400 pid=401 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="cat" exe="/usr/bin/cat" key=(null)`,
      `type=EXECVE msg=audit(1700000000.100:501): argc=2 a0="cat" a1="/etc/shadow"`,
      `type=CWD msg=audit(1700000000.100:501): cwd="/home/user"`,
      `type=PATH msg=audit(1700000000.100:501): item=0 name="/usr/bin/cat" inode=1 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL`,
      `type=EOE msg=audit(1700000000.100:501): `,
      `type=SYSCALL msg=audit(1700000000.200:502): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc a2=0 a3=0 items=1 ppid=400 pid=401 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="cat" exe="/usr/bin/cat" key="shadow"`,
      `type=CWD msg=audit(1700000000.200:502): cwd="/home/user"`,
      `type=PATH msg=audit(1700000000.200:502): item=0 name="/etc/shadow" inode=2 dev=08:01 mode=0100640 ouid=0 ogid=42 rdev=00:00 nametype=NORMAL`,
      `type=SYSCALL msg=audit(1700000000.300:503): arch=c000003e syscall=42 success=no exit=-111 a0=3 a1=7ffd a2=10 a3=0 items=0 ppid=400 pid=402 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="nc" exe="/usr/bin/nc.openbsd" key=(null)`,
      `type=SOCKADDR msg=audit(1700000000.300:503): saddr=0200115C7F0000010000000000000000`,
    ];
    const evs: SyscallEvent[] = [];
    const p = new AuditParser((e) => evs.push(e));
    for (const l of log) p.push(l);
    p.end();
    expect(evs.map((e) => e.type)).toEqual(["execve", "openat", "connect"]);
    expect(evs[0]!.proc).toMatchObject({ name: "cat", exe: "cat", args: ["/etc/shadow"], uid: 1000, loginuid: 1000 });
    expect(evs[1]!.fd).toMatchObject({ name: "/etc/shadow", num: 3 });
    expect(evs[2]!.fd?.socket).toMatchObject({ dip: "127.0.0.1", dport: 4444 });
    expect(decodeSockaddr("0200115C7F000001")).toEqual({ family: "4", ip: "127.0.0.1", port: 4444 });
    expect(run(DEFAULT_RULES, evs).map((a) => a.rule)).toEqual(["Sensitive file opened for reading"]);
  });
});

describe("a real auditd log (test/fixtures/auditd, ENRICHED format)", () => {
  it("reads execve, open, connect and setuid records the kernel wrote, and the default rules fire for root's read of /etc/shadow only", () => {
    const evs: SyscallEvent[] = [];
    const p = new AuditParser((e) => evs.push(e));
    for (const l of readFileSync(fixturePath("auditd/audit.log"), "utf8").split("\n")) p.push(l);
    p.end();
    expect(evs.map((e) => e.type)).toEqual(["execve", "setuid", "execve", "execve", "setuid", "connect", "execve", "setuid", "openat", "openat"]);
    const dpkg = evs.find((e) => e.type === "execve" && e.proc.name === "dpkg")!;
    expect(dpkg.proc).toMatchObject({ uid: 4242, exepath: "/usr/bin/dpkg", args: ["--version"] });
    // The SOCKADDR record carries ENRICHED's interpreted copy after 0x1d: the raw address is read.
    const conn = evs.find((e) => e.type === "connect")!;
    expect(conn.res).toBe(-111);
    expect(conn.fd?.socket).toMatchObject({ family: "4", dip: "127.0.0.1", dport: 4444 });
    const opens = evs.filter((e) => e.type === "openat").map((e) => [e.proc.name, e.proc.uid, e.res, e.fd?.name]);
    expect(opens).toEqual([["busybox", 4242, -13, "/etc/shadow"], ["cat", 0, 3, "/etc/shadow"]]);
    const alerts = run(DEFAULT_RULES, evs);
    expect(alerts.map((a) => [a.rule, a.output_fields["proc.name"], a.output_fields["user.uid"]])).toEqual([["Sensitive file opened for reading", "cat", 0]]);
  });
});

describe("Kubernetes audit events", () => {
  const ev = (o: Record<string, unknown>) =>
    parseK8sAuditLine(JSON.stringify({ kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Request", stage: "ResponseComplete", stageTimestamp: "2026-12-07T10:00:00.000000Z", ...o }))!;
  it("fires the default k8s rules on audit Event v1 lines", () => {
    const events = [
      ev({ verb: "create", user: { username: "alice" }, objectRef: { resource: "pods", subresource: "exec", namespace: "prod", name: "web-1" }, requestURI: "/api/v1/namespaces/prod/pods/web-1/exec?command=sh&stdin=true", responseStatus: { code: 101 } }),
      ev({ verb: "create", user: { username: "bob" }, objectRef: { resource: "pods", namespace: "dev", name: "p" }, requestObject: { kind: "Pod", spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }], volumes: [{ name: "h", hostPath: { path: "/" } }] } }, responseStatus: { code: 201 } }),
      ev({ verb: "get", user: { username: "system:serviceaccount:dev:builder" }, objectRef: { resource: "secrets", namespace: "prod", name: "db" }, responseStatus: { code: 200 }, annotations: { "authorization.k8s.io/decision": "allow" } }),
      ev({ verb: "get", user: { username: "system:serviceaccount:kube-system:coredns" }, objectRef: { resource: "secrets", namespace: "kube-system", name: "x" } }),
      ev({ verb: "patch", user: { username: "carol" }, objectRef: { resource: "clusterrolebindings", apiGroup: "rbac.authorization.k8s.io", name: "admin" } }),
      ev({ verb: "list", user: { username: "system:anonymous", groups: ["system:unauthenticated"] }, requestURI: "/api/v1/pods", annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed" } }),
      ev({ stage: "RequestReceived", verb: "create", user: { username: "alice" }, objectRef: { resource: "pods", subresource: "exec", namespace: "prod", name: "web-1" } }),
    ];
    const alerts = run(DEFAULT_RULES, events);
    expect(alerts.map((a) => a.rule)).toEqual([
      "Exec or attach into a pod", "Privileged workload created", "HostPath volume in a workload", "Secret read by an unusual service account", "RBAC object changed", "Anonymous request allowed",
    ]);
    expect(alerts[0]!.output).toContain("command=sh");
    expect(alerts[2]!.output).toContain("hostpaths=(/)");
  });
});
