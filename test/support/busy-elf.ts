// Tiny static x86-64 programs that make system calls in a loop at a chosen pace, for measuring
// the runtime watcher with a reproducible load (no compiler needed: the machine code is written
// here, byte by byte). Run them anywhere, e.g. inside a runc container built from busyboxLayer().
//
//   busyLoopElf({ kind: "open", path: "/etc/passwd", iterations: 1000, perIteration: 20, sleepNs: 1_000_000 })
//     → 1000 times: 20 x (openat(AT_FDCWD, path, O_RDONLY); close), then nanosleep(1 ms); exit(0)
//   busyLoopElf({ kind: "connect", port: 4444, ... })
//     → the same with socket(AF_INET, SOCK_STREAM); connect(127.0.0.1:port); close
//
// The syscall count is exact (iterations x perIteration events of the kind); the pace is an upper
// bound (the sleep comes on top of the work).

export interface BusyLoopOptions {
  kind: "open" | "connect";
  /** Outer loop count (1..2^31-1). */
  iterations: number;
  /** System calls of the kind per iteration, before the sleep (1..2^31-1). */
  perIteration: number;
  /** nanosleep after each iteration (0 = none; below 1 s). */
  sleepNs?: number;
  /** open: the path opened (default /etc/passwd). */
  path?: string;
  /** connect: the TCP port on 127.0.0.1 (default 9, refused where nothing listens). */
  port?: number;
}

const BASE = 0x400000;
const HEADER = 64 + 56;

function imm32(n: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return [...b];
}

/** The ELF file (mode 0755 it where it is written). */
export function busyLoopElf(o: BusyLoopOptions): Buffer {
  const check = (n: number, what: string, min: number, max: number) => {
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${what} must be an integer in ${min}..${max}`);
  };
  check(o.iterations, "iterations", 1, 2 ** 31 - 1);
  check(o.perIteration, "perIteration", 1, 2 ** 31 - 1);
  check(o.sleepNs ?? 0, "sleepNs", 0, 999_999_999);
  // Code with rip-relative references to data after it: [offset of the rel32, data label].
  const code: number[] = [];
  const fix: Array<[number, "ts" | "data"]> = [];
  const emit = (...b: number[]) => code.push(...b);
  const lea = (prefix: number[], label: "ts" | "data") => {
    emit(...prefix);
    fix.push([code.length, label]);
    emit(0, 0, 0, 0);
  };
  emit(0x41, 0xbc, ...imm32(o.iterations)); // mov r12d, iterations
  const outer = code.length;
  emit(0x41, 0xbd, ...imm32(o.perIteration)); // mov r13d, perIteration
  const inner = code.length;
  if (o.kind === "open") {
    emit(0xb8, ...imm32(257)); // mov eax, SYS_openat
    emit(0xbf, ...imm32(-100)); // mov edi, AT_FDCWD
    lea([0x48, 0x8d, 0x35], "data"); // lea rsi, [rip+path]
    emit(0x31, 0xd2); // xor edx, edx (O_RDONLY)
    emit(0x0f, 0x05); // syscall
    emit(0x89, 0xc7); // mov edi, eax
    emit(0xb8, ...imm32(3)); // mov eax, SYS_close
    emit(0x0f, 0x05);
  } else {
    emit(0xb8, ...imm32(41)); // mov eax, SYS_socket
    emit(0xbf, ...imm32(2)); // mov edi, AF_INET
    emit(0xbe, ...imm32(1)); // mov esi, SOCK_STREAM
    emit(0x31, 0xd2); // xor edx, edx
    emit(0x0f, 0x05);
    emit(0x41, 0x89, 0xc6); // mov r14d, eax
    emit(0x89, 0xc7); // mov edi, eax
    emit(0xb8, ...imm32(42)); // mov eax, SYS_connect
    lea([0x48, 0x8d, 0x35], "data"); // lea rsi, [rip+sockaddr]
    emit(0xba, ...imm32(16)); // mov edx, 16
    emit(0x0f, 0x05);
    emit(0x44, 0x89, 0xf7); // mov edi, r14d
    emit(0xb8, ...imm32(3)); // mov eax, SYS_close
    emit(0x0f, 0x05);
  }
  emit(0x41, 0xff, 0xcd); // dec r13d
  emit(0x0f, 0x85, ...imm32(inner - (code.length + 6))); // jnz inner
  if (o.sleepNs) {
    emit(0xb8, ...imm32(35)); // mov eax, SYS_nanosleep
    lea([0x48, 0x8d, 0x3d], "ts"); // lea rdi, [rip+ts]
    emit(0x31, 0xf6); // xor esi, esi
    emit(0x0f, 0x05);
  }
  emit(0x41, 0xff, 0xcc); // dec r12d
  emit(0x0f, 0x85, ...imm32(outer - (code.length + 6))); // jnz outer
  emit(0xb8, ...imm32(60)); // mov eax, SYS_exit
  emit(0x31, 0xff); // xor edi, edi
  emit(0x0f, 0x05);
  while (code.length % 8) emit(0x90);
  const ts = Buffer.alloc(16);
  ts.writeBigInt64LE(BigInt(o.sleepNs ?? 0), 8);
  let data: Buffer;
  if (o.kind === "open") {
    data = Buffer.concat([Buffer.from(o.path ?? "/etc/passwd", "utf8"), Buffer.of(0)]);
  } else {
    data = Buffer.alloc(16);
    data.writeUInt16LE(2, 0); // AF_INET
    data.writeUInt16BE(o.port ?? 9, 2);
    data.set([127, 0, 0, 1], 4);
  }
  const tsAt = code.length;
  const dataAt = tsAt + ts.length;
  const body = Buffer.concat([Buffer.from(code), ts, data]);
  for (const [at, label] of fix) body.writeInt32LE((label === "ts" ? tsAt : dataAt) - (at + 4), at);
  return staticElf(body);
}

/**
 * A static x86-64 ELF executable of one R+X segment: the ELF and program headers, then `body`,
 * which is entered at its first byte (loaded at 0x400000 + 120).
 */
export function staticElf(body: Buffer): Buffer {
  const h = Buffer.alloc(HEADER);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  h.writeUInt16LE(2, 16); // ET_EXEC
  h.writeUInt16LE(0x3e, 18); // x86-64
  h.writeUInt32LE(1, 20);
  h.writeBigUInt64LE(BigInt(BASE + HEADER), 24); // entry
  h.writeBigUInt64LE(64n, 32); // phoff
  h.writeUInt16LE(64, 52);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(1, 56);
  h.writeUInt32LE(1, 64); // PT_LOAD
  h.writeUInt32LE(5, 68); // R+X
  h.writeBigUInt64LE(0n, 72);
  h.writeBigUInt64LE(BigInt(BASE), 80);
  h.writeBigUInt64LE(BigInt(BASE), 88);
  const size = BigInt(HEADER + body.length);
  h.writeBigUInt64LE(size, 96);
  h.writeBigUInt64LE(size, 104);
  h.writeBigUInt64LE(0x1000n, 112);
  return Buffer.concat([h, body]);
}
