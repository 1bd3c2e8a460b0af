// The fields rules can read, per event source, and how each is taken from an event.
// A field missing from this table (Falco has hundreds) is "not supplied": rules using it are
// kept but disabled with that reason.
import type { ContainerInfo, EventSourceName, K8sAuditEvent, ProcessInfo, RuntimeEvent, SyscallEvent } from "../event.js";

export type FieldType = "string" | "number" | "ip" | "net" | "bool";

/** A value a field yields: one scalar, several (any of them may match), or nothing. */
export type FieldValue = string | number | boolean | Array<string | number | boolean> | undefined;

/** Lookups the fields need beyond the event itself (process table, containers, users). */
export interface FieldContext {
  /** n-th ancestor of the event's process: 1 = parent. */
  ancestor(ev: SyscallEvent, n: number): ProcessInfo | undefined;
  container(id: string): ContainerInfo | undefined;
  userName(uid: number, ev: SyscallEvent): string | undefined;
  groupName(gid: number, ev: SyscallEvent): string | undefined;
  hostname: string;
}

export interface FieldDef {
  name: string;
  source: EventSourceName;
  type: FieldType;
  /** "required": field[arg] only; "optional": both forms; absent: no argument. */
  arg?: "required" | "optional";
  get(ev: RuntimeEvent, ctx: FieldContext, arg: string | undefined): FieldValue;
}

const table = new Map<string, FieldDef>();
const sys = (name: string, type: FieldType, get: (ev: SyscallEvent, ctx: FieldContext, arg: string | undefined) => FieldValue, arg?: FieldDef["arg"]): void => {
  const def: FieldDef = { name, source: "syscall", type, get: get as FieldDef["get"] };
  if (arg) def.arg = arg;
  table.set(name, def);
};
const ka = (name: string, type: FieldType, get: (a: Record<string, unknown>, arg: string | undefined) => FieldValue, arg?: FieldDef["arg"]): void => {
  const def: FieldDef = { name, source: "k8s_audit", type, get: (ev, _ctx, a) => get((ev as K8sAuditEvent).audit, a) };
  if (arg) def.arg = arg;
  table.set(name, def);
};

/** Falco's short container id: 12 characters; "host" for processes outside containers. */
export function shortContainerId(id: string | undefined): string {
  return id ? id.slice(0, 12) : "host";
}

const dirname = (p: string): string => {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
};
const basename = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

function ancestors(ev: SyscallEvent, ctx: FieldContext): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (let n = 1; n <= 16; n++) {
    const a = ctx.ancestor(ev, n);
    if (!a) break;
    out.push(a);
  }
  return out;
}
function ancestorAt(ev: SyscallEvent, ctx: FieldContext, arg: string | undefined): ProcessInfo | undefined {
  const n = arg === undefined ? 1 : Number(arg);
  if (!Number.isInteger(n) || n < 0) return undefined;
  return n === 0 ? ev.proc : ctx.ancestor(ev, n);
}
const cmdline = (p: ProcessInfo): string => [p.name, ...(p.args ?? [])].join(" ");
const anc = (get: (p: ProcessInfo) => FieldValue) => (ev: SyscallEvent, ctx: FieldContext, arg: string | undefined): FieldValue => {
  if (arg === undefined) {
    const vals = ancestors(ev, ctx).map(get).filter((v): v is string | number => v !== undefined && !Array.isArray(v) && typeof v !== "boolean");
    return vals.length ? vals : undefined;
  }
  const p = ancestorAt(ev, ctx, arg);
  return p ? get(p) : undefined;
};

const sock = (ev: SyscallEvent) => ev.fd?.socket;
const isInet = (ev: SyscallEvent) => ev.fd?.socket !== undefined && ev.fd.socket.family !== "u";
/** Falco's client/server view: for connect (the only socket event here) the local side is the client, the remote the server. */
const local = (ev: SyscallEvent) => ({ ip: sock(ev)?.sip, port: sock(ev)?.sport });
const remote = (ev: SyscallEvent) => ({ ip: sock(ev)?.dip, port: sock(ev)?.dport });
const both = <T>(a: T | undefined, b: T | undefined): T[] | undefined => {
  const out = [a, b].filter((x): x is T => x !== undefined);
  return out.length ? out : undefined;
};

// --- evt.* ---
sys("evt.type", "string", (e) => e.type);
sys("evt.dir", "string", (e) => e.dir);
sys("evt.num", "number", (e) => (e as SyscallEvent & { num?: number }).num);
sys("evt.time", "number", (e) => e.time * 1_000_000);
sys("evt.time.s", "string", (e) => new Date(e.time).toISOString().slice(11, 19));
sys("evt.datetime", "string", (e) => new Date(e.time).toISOString());
sys("evt.rawtime", "number", (e) => e.time * 1_000_000);
sys("evt.hostname", "string", (_e, c) => c.hostname);
sys("evt.source", "string", () => "syscall");
sys("evt.rawres", "number", (e) => e.res);
sys("evt.res", "string", (e) => (e.res === undefined ? undefined : e.res >= 0 ? "SUCCESS" : (ERRNO_NAMES[-e.res] ?? String(e.res))));
sys("evt.failed", "bool", (e) => (e.res === undefined ? undefined : e.res < 0));
sys("evt.is_open_read", "bool", (e) => (typeof e.args["flags_raw"] === "number" ? (e.args["flags_raw"] & 3) !== 1 : undefined));
sys("evt.is_open_write", "bool", (e) => (typeof e.args["flags_raw"] === "number" ? (e.args["flags_raw"] & 3) !== 0 : undefined));
sys("evt.is_open_exec", "bool", (e) => (typeof e.args["flags_raw"] === "number" ? (e.args["flags_raw"] & 0o100) !== 0 && e.type.startsWith("open") : undefined));
sys("evt.arg", "string", (e, _c, a) => (a === undefined ? undefined : e.args[a]), "required");
sys("evt.rawarg", "string", (e, _c, a) => (a === undefined ? undefined : (e.args[`${a}_raw`] ?? e.args[a])), "required");
sys("evt.args", "string", (e) => Object.entries(e.args).filter(([k]) => !k.endsWith("_raw")).map(([k, v]) => `${k}=${v}`).join(" "));
sys("evt.category", "string", (e) => (e.type === "connect" ? "net" : e.type.startsWith("open") ? "file" : e.type.startsWith("exec") ? "process" : "user"));

// --- proc.*, thread.* ---
sys("proc.pid", "number", (e) => e.proc.pid);
sys("proc.tid", "number", (e) => e.proc.tid ?? e.proc.pid);
sys("thread.tid", "number", (e) => e.proc.tid ?? e.proc.pid);
sys("proc.vpid", "number", (e) => e.proc.vpid);
sys("proc.ppid", "number", (e) => e.proc.ppid);
sys("proc.sid", "number", (e) => e.proc.sid);
sys("proc.tty", "number", (e) => e.proc.tty);
sys("proc.cwd", "string", (e) => e.proc.cwd);
sys("proc.pidns", "number", (e) => e.proc.pidns);
sys("proc.name", "string", (e) => e.proc.name);
sys("proc.exe", "string", (e) => e.proc.exe);
sys("proc.exepath", "string", (e) => e.proc.exepath);
sys("proc.args", "string", (e) => (e.proc.args ? e.proc.args.join(" ") : undefined));
sys("proc.cmdline", "string", (e) => cmdline(e.proc));
sys("proc.exeline", "string", (e) => [e.proc.exe ?? e.proc.name, ...(e.proc.args ?? [])].join(" "));
sys("proc.cmdnargs", "number", (e) => e.proc.args?.length);
sys("proc.cmdlenargs", "number", (e) => e.proc.args?.join("").length);
sys("proc.pname", "string", (e, c) => e.proc.pname ?? c.ancestor(e, 1)?.name);
sys("proc.pcmdline", "string", (e, c) => {
  const p = c.ancestor(e, 1);
  return p ? cmdline(p) : undefined;
});
sys("proc.pexe", "string", (e, c) => c.ancestor(e, 1)?.exe);
sys("proc.pexepath", "string", (e, c) => c.ancestor(e, 1)?.exepath);
sys("proc.aname", "string", anc((p) => p.name), "optional");
sys("proc.apid", "number", anc((p) => p.pid), "optional");
sys("proc.aexe", "string", anc((p) => p.exe), "optional");
sys("proc.aexepath", "string", anc((p) => p.exepath), "optional");
sys("proc.acmdline", "string", anc((p) => cmdline(p)), "optional");
sys("proc.is_exe_upper_layer", "bool", (e, c) => {
  if (!e.containerId || !e.proc.exepath) return undefined;
  const files = c.container(e.containerId)?.imageFiles;
  return files ? !files.has(e.proc.exepath) : undefined;
});

// --- user.*, group.* ---
sys("user.uid", "number", (e) => e.proc.uid);
sys("user.name", "string", (e, c) => (e.proc.uid === undefined ? undefined : (c.userName(e.proc.uid, e) ?? String(e.proc.uid))));
sys("user.loginuid", "number", (e) => (e.proc.loginuid === undefined ? undefined : e.proc.loginuid === 4294967295 ? -1 : e.proc.loginuid));
sys("user.loginname", "string", (e, c) => (e.proc.loginuid === undefined || e.proc.loginuid === 4294967295 ? undefined : c.userName(e.proc.loginuid, e)));
sys("group.gid", "number", (e) => e.proc.gid);
sys("group.name", "string", (e, c) => (e.proc.gid === undefined ? undefined : (c.groupName(e.proc.gid, e) ?? String(e.proc.gid))));

// --- fd.* ---
sys("fd.num", "number", (e) => e.fd?.num);
sys("fd.name", "string", (e) => e.fd?.name);
sys("fd.nameraw", "string", (e) => e.fd?.name);
sys("fd.typechar", "string", (e) => e.fd?.typechar);
sys("fd.type", "string", (e) => {
  const t = e.fd?.typechar;
  return t === "f" ? "file" : t === "d" ? "directory" : t === "4" ? "ipv4" : t === "6" ? "ipv6" : t === "u" ? "unix" : undefined;
});
sys("fd.directory", "string", (e) => (e.fd?.typechar === "f" || e.fd?.typechar === "d") && e.fd.name ? (e.fd.typechar === "d" ? e.fd.name : dirname(e.fd.name)) : undefined);
sys("fd.filename", "string", (e) => (e.fd?.typechar === "f" && e.fd.name ? basename(e.fd.name) : undefined));
sys("fd.sockfamily", "string", (e) => (sock(e) ? (sock(e)!.family === "u" ? "unix" : "ip") : undefined));
sys("fd.connected", "bool", (e) => (e.type === "connect" ? (e.res ?? -1) >= 0 || e.res === -115 : undefined));
sys("fd.name_changed", "bool", (e) => (e.type === "connect" ? false : undefined));
sys("fd.l4proto", "string", (e) => (isInet(e) ? (sock(e)!.l4proto ?? "unknown") : undefined));
sys("fd.sip", "ip", (e) => (isInet(e) ? remote(e).ip : undefined));
sys("fd.cip", "ip", (e) => (isInet(e) ? local(e).ip : undefined));
sys("fd.lip", "ip", (e) => (isInet(e) ? local(e).ip : undefined));
sys("fd.dip", "ip", (e) => (isInet(e) ? remote(e).ip : undefined));
sys("fd.rip", "ip", (e) => (isInet(e) ? remote(e).ip : undefined));
sys("fd.ip", "ip", (e) => (isInet(e) ? both(local(e).ip, remote(e).ip) : undefined));
sys("fd.sport", "number", (e) => (isInet(e) ? remote(e).port : undefined));
sys("fd.cport", "number", (e) => (isInet(e) ? local(e).port : undefined));
sys("fd.lport", "number", (e) => (isInet(e) ? local(e).port : undefined));
sys("fd.dport", "number", (e) => (isInet(e) ? remote(e).port : undefined));
sys("fd.rport", "number", (e) => (isInet(e) ? remote(e).port : undefined));
sys("fd.port", "number", (e) => (isInet(e) ? both(local(e).port, remote(e).port) : undefined));
sys("fd.snet", "net", (e) => (isInet(e) ? remote(e).ip : undefined));
sys("fd.cnet", "net", (e) => (isInet(e) ? local(e).ip : undefined));
sys("fd.lnet", "net", (e) => (isInet(e) ? local(e).ip : undefined));
sys("fd.rnet", "net", (e) => (isInet(e) ? remote(e).ip : undefined));
sys("fd.net", "net", (e) => (isInet(e) ? both(local(e).ip, remote(e).ip) : undefined));

// --- container.* ---
sys("container.id", "string", (e) => shortContainerId(e.containerId));
sys("container.full_id", "string", (e) => e.containerId ?? "host");
sys("container.name", "string", (e, c) => (e.containerId ? (c.container(e.containerId)?.name ?? e.containerId) : "host"));
sys("container.image", "string", (e, c) => (e.containerId ? c.container(e.containerId)?.image : undefined));
sys("container.image.repository", "string", (e, c) => (e.containerId ? splitImage(c.container(e.containerId)?.image).repository : undefined));
sys("container.image.tag", "string", (e, c) => (e.containerId ? splitImage(c.container(e.containerId)?.image).tag : undefined));
sys("container.type", "string", (e) => (e.containerId ? "runc" : undefined));

/** "repo:tag@digest" → repository and tag. */
export function splitImage(image: string | undefined): { repository?: string; tag?: string } {
  if (!image) return {};
  const noDigest = image.split("@")[0]!;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  if (colon > slash) return { repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { repository: noDigest };
}

// --- Kubernetes audit (Falco's k8saudit plugin field names) ---
const at = (o: unknown, ...path: string[]): unknown => {
  let cur = o;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
};
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map((x) => str(x) ?? JSON.stringify(x)) : undefined);
const containers = (a: Record<string, unknown>): Record<string, unknown>[] => {
  const spec = at(a, "requestObject", "spec") as Record<string, unknown> | undefined;
  const podSpec = (at(spec, "template", "spec") ?? at(spec, "jobTemplate", "spec", "template", "spec") ?? spec) as Record<string, unknown> | undefined;
  const list = [...((at(podSpec, "containers") as unknown[]) ?? []), ...((at(podSpec, "initContainers") as unknown[]) ?? [])];
  return list.filter((c): c is Record<string, unknown> => c !== null && typeof c === "object");
};
const podSpec = (a: Record<string, unknown>): Record<string, unknown> | undefined => {
  const spec = at(a, "requestObject", "spec") as Record<string, unknown> | undefined;
  return (at(spec, "template", "spec") ?? at(spec, "jobTemplate", "spec", "template", "spec") ?? spec) as Record<string, unknown> | undefined;
};
const nonEmpty = <T>(v: T[]): T[] | undefined => (v.length ? v : undefined);

ka("ka.auditid", "string", (a) => str(a["auditID"]));
ka("ka.stage", "string", (a) => str(a["stage"]));
ka("ka.verb", "string", (a) => str(a["verb"]));
ka("ka.uri", "string", (a) => str(a["requestURI"]));
ka("ka.uri.param", "string", (a, arg) => {
  const uri = str(a["requestURI"]);
  if (!uri || arg === undefined) return undefined;
  return new URL(uri, "http://x").searchParams.get(arg) ?? undefined;
}, "required");
ka("ka.user.name", "string", (a) => str(at(a, "user", "username")));
ka("ka.user.groups", "string", (a) => strs(at(a, "user", "groups")));
ka("ka.impuser.name", "string", (a) => str(at(a, "impersonatedUser", "username")));
ka("ka.sourceips", "string", (a) => strs(a["sourceIPs"]));
ka("ka.useragent", "string", (a) => str(a["userAgent"]));
ka("ka.target.name", "string", (a) => str(at(a, "objectRef", "name")));
ka("ka.target.namespace", "string", (a) => str(at(a, "objectRef", "namespace")));
ka("ka.target.resource", "string", (a) => str(at(a, "objectRef", "resource")));
ka("ka.target.subresource", "string", (a) => str(at(a, "objectRef", "subresource")));
ka("ka.target.apigroup", "string", (a) => str(at(a, "objectRef", "apiGroup")));
ka("ka.response.code", "string", (a) => str(at(a, "responseStatus", "code")));
ka("ka.response.reason", "string", (a) => str(at(a, "responseStatus", "reason")));
ka("ka.auth.decision", "string", (a) => str(at(a, "annotations", "authorization.k8s.io/decision")));
ka("ka.auth.reason", "string", (a) => str(at(a, "annotations", "authorization.k8s.io/reason")));
ka("ka.resp.name", "string", (a) => str(at(a, "responseObject", "metadata", "name")));
ka("ka.req.pod.containers.image", "string", (a) => nonEmpty(containers(a).map((c) => str(c["image"]) ?? "")));
ka("ka.req.pod.containers.image.repository", "string", (a) => nonEmpty(containers(a).map((c) => splitImage(str(c["image"])).repository ?? "")));
ka("ka.req.pod.containers.privileged", "string", (a) => nonEmpty(containers(a).map((c) => String(at(c, "securityContext", "privileged") === true))));
ka("ka.req.pod.containers.allow_privilege_escalation", "string", (a) => nonEmpty(containers(a).map((c) => String(at(c, "securityContext", "allowPrivilegeEscalation") === true))));
ka("ka.req.pod.containers.read_only_fs", "string", (a) => nonEmpty(containers(a).map((c) => String(at(c, "securityContext", "readOnlyRootFilesystem") === true))));
ka("ka.req.pod.containers.run_as_user", "string", (a) => nonEmpty(containers(a).map((c) => str(at(c, "securityContext", "runAsUser")) ?? "")));
ka("ka.req.pod.containers.host_port", "string", (a) => nonEmpty(containers(a).flatMap((c) => ((c["ports"] as unknown[]) ?? []).map((p) => str(at(p, "hostPort")) ?? "").filter((x) => x))));
ka("ka.req.pod.containers.add_capabilities", "string", (a) => nonEmpty(containers(a).flatMap((c) => strs(at(c, "securityContext", "capabilities", "add")) ?? [])));
ka("ka.req.pod.volumes.hostpath", "string", (a) => nonEmpty(((podSpec(a)?.["volumes"] as unknown[]) ?? []).map((v) => str(at(v, "hostPath", "path"))).filter((x): x is string => !!x)));
ka("ka.req.pod.host_network", "string", (a) => str(podSpec(a)?.["hostNetwork"]) ?? "false");
ka("ka.req.pod.host_pid", "string", (a) => str(podSpec(a)?.["hostPID"]) ?? "false");
ka("ka.req.pod.host_ipc", "string", (a) => str(podSpec(a)?.["hostIPC"]) ?? "false");
ka("ka.req.pod.service_account", "string", (a) => str(podSpec(a)?.["serviceAccountName"]));
ka("ka.req.service.type", "string", (a) => str(at(a, "requestObject", "spec", "type")));
ka("ka.req.binding.subjects", "string", (a) => strs(((at(a, "requestObject", "subjects") as unknown[]) ?? []).map((s) => str(at(s, "name")))));
ka("ka.req.binding.role", "string", (a) => str(at(a, "requestObject", "roleRef", "name")));
ka("ka.req.role.rules.verbs", "string", (a) => nonEmpty(((at(a, "requestObject", "rules") as unknown[]) ?? []).flatMap((r) => strs(at(r, "verbs")) ?? [])));
ka("ka.req.role.rules.resources", "string", (a) => nonEmpty(((at(a, "requestObject", "rules") as unknown[]) ?? []).flatMap((r) => strs(at(r, "resources")) ?? [])));
ka("ka.req.role.rules", "string", (a) => strs(at(a, "requestObject", "rules")));
ka("ka.req.configmap.name", "string", (a) => (at(a, "objectRef", "resource") === "configmaps" ? str(at(a, "requestObject", "metadata", "name")) : undefined));
ka("ka.req.configmap.obj", "string", (a) => (at(a, "objectRef", "resource") === "configmaps" && at(a, "requestObject", "data") !== undefined ? JSON.stringify(at(a, "requestObject", "data")) : undefined));
ka("ka.req.service.ports", "string", (a) => (at(a, "requestObject", "spec", "ports") !== undefined ? JSON.stringify(at(a, "requestObject", "spec", "ports")) : undefined));
ka("jevt.rawtime", "number", (a) => {
  const t = str(a["stageTimestamp"] ?? a["requestReceivedTimestamp"]);
  return t ? Date.parse(t) * 1_000_000 : undefined;
});
ka("jevt.value", "string", (a, arg) => jsonPointer(a, arg), "required");
ka("jevt.obj", "string", (a) => JSON.stringify(a));
ka("json.value", "string", (a, arg) => jsonPointer(a, arg), "required");
ka("evt.type", "string", () => "k8s_audit");
ka("evt.source", "string", () => "k8s_audit");
ka("evt.num", "number", (a) => (a as { __num?: number }).__num);
ka("evt.time", "number", (a) => {
  const t = str(a["stageTimestamp"] ?? a["requestReceivedTimestamp"]);
  return t ? Date.parse(t) * 1_000_000 : undefined;
});

function jsonPointer(doc: unknown, ptr: string | undefined): FieldValue {
  if (ptr === undefined) return undefined;
  const parts = ptr.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const v = at(doc, ...parts);
  if (v === undefined || v === null) return undefined;
  return typeof v === "object" ? JSON.stringify(v) : (str(v) as string);
}

/** Falco's dotted argument forms: evt.arg.flags is evt.arg[flags]. */
export function splitDottedArg(field: string, arg: string | undefined): { field: string; arg: string | undefined } {
  for (const base of ["evt.arg", "evt.rawarg"]) if (arg === undefined && field.startsWith(`${base}.`)) return { field: base, arg: field.slice(base.length + 1) };
  return { field, arg };
}

/** The field named, for a source (evt.type exists in both). */
export function fieldDef(name: string, source: EventSourceName): FieldDef | undefined {
  const def = table.get(name);
  if (def && def.source === source) return def;
  if (source === "k8s_audit") return table.get(`k8s:${name}`) ?? (def?.source === "k8s_audit" ? def : undefined);
  return undefined;
}
// evt.* exists for both sources: keep the k8s ones under a prefix so the syscall ones win in `table`.
for (const n of ["evt.type", "evt.source", "evt.num", "evt.time"]) {
  const k = table.get(n);
  if (k?.source === "k8s_audit") table.set(`k8s:${n}`, k);
}
for (const [n, get] of [
  ["evt.type", (e: SyscallEvent) => e.type],
  ["evt.source", () => "syscall"],
  ["evt.num", (e: SyscallEvent) => (e as SyscallEvent & { num?: number }).num],
  ["evt.time", (e: SyscallEvent) => e.time * 1_000_000],
] as const) {
  table.set(n, { name: n, source: "syscall", type: n === "evt.num" || n === "evt.time" ? "number" : "string", get: get as FieldDef["get"] });
}

/** Every field name supplied for a source (docs, tests). */
export function fieldNames(source: EventSourceName): string[] {
  const out = new Set<string>();
  for (const [k, d] of table) if (d.source === source) out.add(k.replace(/^k8s:/, ""));
  return [...out].sort();
}

/** Linux errno names for evt.res (the ones rules test). */
export const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 9: "EBADF", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES", 14: "EFAULT", 16: "EBUSY",
  17: "EEXIST", 20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL", 24: "EMFILE", 28: "ENOSPC", 30: "EROFS", 36: "ENAMETOOLONG", 40: "ELOOP",
  97: "EAFNOSUPPORT", 98: "EADDRINUSE", 99: "EADDRNOTAVAIL", 101: "ENETUNREACH", 104: "ECONNRESET", 110: "ETIMEDOUT", 111: "ECONNREFUSED",
  113: "EHOSTUNREACH", 114: "EALREADY", 115: "EINPROGRESS",
};
