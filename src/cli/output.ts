// Writes a report to stdout or to a file, atomically: a failed run never leaves half a file.
import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, statSync, unlinkSync, write } from "node:fs";
import { dirname, join, basename } from "node:path";
import { UserError } from "../index.js";

type Sink = (bytes: Buffer) => Promise<void>;

/** Bytes gathered before a write: large enough to keep system calls few. */
const PIECE = 1 << 20;

/**
 * Writes the pieces, and a final newline when they do not end with one. Pieces are written
 * while the next ones are built: the write runs on libuv's thread pool, so on a multi-core
 * machine serialising and writing a large report overlap. On failure (the writer throwing, or
 * a write failing) the write in flight is waited for first, so the caller may close the file.
 */
async function writePieces(pieces: Iterable<string>, sink: Sink): Promise<void> {
  let pending: Promise<void> = Promise.resolve();
  let parts: string[] = [];
  let size = 0;
  let last = "";
  const flush = async (): Promise<void> => {
    const bytes = Buffer.from(parts.join(""), "utf8");
    parts = [];
    size = 0;
    // At most one write in flight: memory stays bounded at about two pieces.
    await pending;
    pending = sink(bytes);
  };
  try {
    for (const p of pieces) {
      if (p.length === 0) continue;
      parts.push(p);
      size += p.length;
      last = p;
      if (size >= PIECE) await flush();
    }
    if (!last.endsWith("\n")) parts.push("\n");
    if (parts.length) await flush();
    await pending;
  } catch (e) {
    await pending.catch(() => {});
    throw e;
  }
}

function fileSink(fd: number): Sink {
  return (b) =>
    new Promise((resolve, reject) => {
      const step = (offset: number): void =>
        write(fd, b, offset, b.length - offset, null, (err, n) => {
          if (err) reject(err);
          else if (offset + n < b.length) step(offset + n);
          else resolve();
        });
      step(0);
    });
}

const stdoutSink: Sink = (b) =>
  new Promise((resolve, reject) => {
    process.stdout.write(b, (err) => (err ? reject(err) : resolve()));
  });

/** A failed system call (open, write, rename…), as opposed to an error of the report writer. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

/** An existing path that is not a regular file or a directory: a device, a FIFO, a socket. */
function isSpecialFile(file: string): boolean {
  try {
    const st = statSync(file);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

/**
 * A writer's own error (a bug) is passed on as it is; failed writes become one-line user errors.
 * When a writer fails part-way, stdout has the first part; a file is never left behind.
 */
export async function writeOutput(text: string | Iterable<string>, file: string | undefined): Promise<void> {
  const pieces = typeof text === "string" ? [text] : text;
  if (!file || file === "-") {
    // Failures arrive through the write callbacks. Without a listener, stdout would also throw
    // them as an 'error' event: a stack trace for `bulwark … | head`.
    if (process.stdout.listenerCount("error") === 0) process.stdout.on("error", () => {});
    try {
      await writePieces(pieces, stdoutSink);
    } catch (e) {
      if (!isSystemError(e)) throw e;
      // The reader went away (`| head`): the rest is not wanted, and the exit code stays the run's.
      if (e.code === "EPIPE") return;
      throw new UserError("INPUT", `cannot write output to stdout (${e.code ?? e.message})`);
    }
    return;
  }
  if (isSpecialFile(file)) {
    // `-o /dev/null`, a named pipe, /dev/stdout: written in place. Renaming a temporary file over
    // it would replace the device or pipe with a regular file.
    try {
      const fd = openSync(file, "w");
      try {
        await writePieces(pieces, fileSink(fd));
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if (!isSystemError(e)) throw e;
      throw new UserError("INPUT", `${file}: cannot write output (${e.code ?? e.message})`);
    }
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  // Ctrl-C or a kill while a large report is written: remove the temp file, exit as the signal would.
  const onSignal = (signal: NodeJS.Signals): void => {
    try {
      unlinkSync(tmp);
    } catch {
      // not created yet
    }
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const fd = openSync(tmp, "w");
    try {
      await writePieces(pieces, fileSink(fd));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    if (!isSystemError(e)) throw e;
    throw new UserError("INPUT", `${file}: cannot write output (${e.code ?? e.message})`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
