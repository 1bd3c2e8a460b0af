// Linux audit (auditd) logs: records of one event share a serial (msg=audit(TIME:SERIAL)); a
// SYSCALL record with its EXECVE, CWD, PATH and SOCKADDR records becomes one event.
import type { SyscallEvent } from "../event.js";
import { openFlags } from "./bpftrace.js";

/** x86_64 syscall numbers of the events the rules use. */
const SYSCALLS: Record<number, string> = { 59: "execve", 322: "execveat", 2: "open", 257: "openat", 42: "connect", 105: "setuid", 106: "setgid", 113: "setreuid", 114: "setregid", 117: "setresuid", 119: "setresgid" };
/** Records kept per event and events kept open at once (bounds for hostile logs). */
const MAX_RECORDS = 64;
const MAX_OPEN = 1024;

/**
 * key=value pairs of an audit record; values are "quoted", hex-encoded or bare. auditd's
 * ENRICHED log format (Debian's default) appends interpreted copies after a 0x1d byte
 * (`saddr=0200…\x1dSADDR={ saddr_fam=inet … }`): only the raw part before it is read.
 */
export function auditFields(text: string): Map<string, string> {
  const gs = text.indexOf("\x1d");
  if (gs >= 0) text = text.slice(0, gs);
  const out = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)=("[^"]*"|'[^']*'|\S*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) if (!out.has(m[1]!)) out.set(m[1]!, m[2]!);
  return out;
}

/** An audit value: quoted text, or hex-encoded bytes (how auditd writes untrusted strings). */
export function auditString(v: string | undefined): string | undefined {
  if (v === undefined || v === "(null)") return undefined;
  if (v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1);
  if (/^([0-9A-F]{2})+$/.test(v)) return Buffer.from(v, "hex").toString("utf8");
  return v;
}

interface Pending {
  time: number;
  records: Array<{ type: string; fields: Map<string, string> }>;
}

/** Groups audit lines by serial and turns complete groups into events. */
export class AuditParser {
  private readonly open = new Map<string, Pending>();

  constructor(private readonly onEvent: (ev: SyscallEvent) => void) {}

  push(line: string): void {
    const m = /^(?:node=\S+ )?type=(\S+) msg=audit\((\d+)\.(\d+):(\d+)\):\s?(.*)$/.exec(line.trim());
    if (!m) return;
    const [, type, secs, millis, serial, rest] = m;
    if (type === "EOE") {
      this.flush(serial!);
      return;
    }
    let p = this.open.get(serial!);
    const time = Number(secs) * 1000 + Number(millis);
    // Groups whose EOE never came (ausearch output, older kernels): flushed once records 2 s newer arrive.
    for (const [k, g] of this.open) {
      if (g.time > time - 2000 && this.open.size < MAX_OPEN) break;
      if (k !== serial) this.flush(k);
      else break;
    }
    if (!p) {
      p = { time, records: [] };
      this.open.set(serial!, p);
    }
    if (p.records.length < MAX_RECORDS) p.records.push({ type: type!, fields: auditFields(rest ?? "") });
  }

  /** Emits every group still open (end of file). */
  end(): void {
    for (const k of [...this.open.keys()]) this.flush(k);
  }

  private flush(serial: string): void {
    const p = this.open.get(serial);
    this.open.delete(serial);
    if (!p) return;
    const sc = p.records.find((r) => r.type === "SYSCALL");
    if (!sc) return;
    const f = sc.fields;
    const type = SYSCALLS[Number(f.get("syscall"))];
    if (!type) return;
    const num = (k: string): number | undefined => (f.has(k) ? Number(f.get(k)) : undefined);
    const exitCode = num("exit");
    const ev: SyscallEvent = {
      source: "syscall", time: p.time, type, dir: type.startsWith("set") ? ">" : "<", origin: "audit", args: {},
      proc: { pid: num("pid") ?? 0, ppid: num("ppid"), uid: num("uid"), euid: num("euid"), gid: num("gid"), loginuid: num("auid"), name: auditString(f.get("comm")) ?? "", exepath: auditString(f.get("exe")) },
    };
    if (exitCode !== undefined) ev.res = exitCode;
    const ses = num("ses");
    if (ses !== undefined && ses !== 4294967295) ev.proc.sid = ses;
    const cwd = auditString(p.records.find((r) => r.type === "CWD")?.fields.get("cwd"));
    if (cwd) ev.proc.cwd = cwd;
    const paths = p.records.filter((r) => r.type === "PATH");
    if (type === "execve" || type === "execveat") {
      const ex = p.records.find((r) => r.type === "EXECVE")?.fields;
      if (ex) {
        const argc = Number(ex.get("argc") ?? 0);
        const argv: string[] = [];
        for (let i = 0; i < Math.min(argc, 4096); i++) argv.push(auditString(ex.get(`a${i}`)) ?? "");
        ev.proc.exe = argv[0];
        ev.proc.args = argv.slice(1);
      }
      ev.args["filename"] = ev.proc.exepath ?? "";
      if (ev.res !== undefined && ev.res < 0) return; // failed exec: no new program
    } else if (type === "open" || type === "openat") {
      // PATH item 0 (or the one that is not the parent directory) names the file.
      const item = paths.find((r) => r.fields.get("nametype") !== '"PARENT"' && r.fields.get("nametype") !== "PARENT") ?? paths[0];
      let name = auditString(item?.fields.get("name")) ?? "";
      if (name && !name.startsWith("/") && cwd) name = `${cwd.replace(/\/$/, "")}/${name}`;
      const flags = parseInt(f.get(type === "open" ? "a1" : "a2") ?? "0", 16) >>> 0;
      ev.args = { name, flags: openFlags(flags), flags_raw: flags, fd: ev.res ?? -1 };
      ev.fd = { num: ev.res ?? -1, name, typechar: flags & 0o200000 ? "d" : "f" };
    } else if (type === "connect") {
      const sa = p.records.find((r) => r.type === "SOCKADDR")?.fields.get("saddr");
      const sock = sa ? decodeSockaddr(sa) : undefined;
      if (!sock) return;
      const fmt = (ip: string, port: number) => (sock.family === "6" ? `[${ip}]:${port}` : `${ip}:${port}`);
      ev.args = { fd: parseInt(f.get("a0") ?? "0", 16), addr: fmt(sock.ip, sock.port), res: ev.res ?? 0 };
      ev.fd = { num: Number(ev.args["fd"]), name: `->${fmt(sock.ip, sock.port)}`, typechar: sock.family, socket: { family: sock.family, dip: sock.ip, dport: sock.port } };
    } else {
      const names: Record<string, string[]> = { setuid: ["uid"], setgid: ["gid"], setreuid: ["ruid", "euid"], setregid: ["rgid", "egid"], setresuid: ["ruid", "euid", "suid"], setresgid: ["rgid", "egid", "sgid"] };
      names[type]!.forEach((n, i) => {
        const v = parseInt(f.get(`a${i}`) ?? "ffffffff", 16);
        ev.args[n] = v === 0xffffffff ? -1 : v;
      });
    }
    this.onEvent(ev);
  }
}

/** SOCKADDR saddr (hex struct sockaddr) → family, address, port. */
export function decodeSockaddr(hex: string): { family: "4" | "6"; ip: string; port: number } | undefined {
  if (!/^([0-9A-Fa-f]{2})+$/.test(hex)) return undefined;
  const b = Buffer.from(hex, "hex");
  if (b.length < 8) return undefined;
  const family = b.readUInt16LE(0);
  const port = b.readUInt16BE(2);
  if (family === 2) return { family: "4", ip: `${b[4]}.${b[5]}.${b[6]}.${b[7]}`, port };
  if (family === 10 && b.length >= 24) {
    const words: string[] = [];
    for (let i = 0; i < 8; i++) words.push(b.readUInt16BE(8 + i * 2).toString(16));
    return { family: "6", ip: words.join(":").replace(/(^|:)0(:0)+(:|$)/, "::").replace(/:{3,}/, "::"), port };
  }
  return undefined;
}
