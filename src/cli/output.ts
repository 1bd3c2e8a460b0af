// Writes a report to stdout or to a file, atomically: a failed run never leaves half a file.
import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, unlinkSync, write } from "node:fs";
import { dirname, join, basename } from "node:path";
import { UserError } from "../index.js";

/** Bytes gathered before a write: large enough to keep system calls few. */
const PIECE = 1 << 20;

/**
 * Pieces are written while the next ones are built: the write runs on libuv's thread pool, so
 * on a multi-core machine serialising and writing a large report overlap.
 */
async function writePieces(pieces: Iterable<string>, sink: (b: Buffer) => Promise<void>): Promise<boolean> {
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
  for (const p of pieces) {
    if (p.length === 0) continue;
    parts.push(p);
    size += p.length;
    last = p;
    if (size >= PIECE) await flush();
  }
  if (parts.length) await flush();
  await pending;
  return last.endsWith("\n");
}

function fileSink(fd: number): (b: Buffer) => Promise<void> {
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

const stdoutSink = (b: Buffer): Promise<void> =>
  new Promise((resolve, reject) => {
    process.stdout.write(b, (err) => (err ? reject(err) : resolve()));
  });

export async function writeOutput(text: string | Iterable<string>, file: string | undefined): Promise<void> {
  const pieces = typeof text === "string" ? [text] : text;
  if (!file || file === "-") {
    if (!(await writePieces(pieces, stdoutSink))) await stdoutSink(Buffer.from("\n"));
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = openSync(tmp, "w");
    try {
      const sink = fileSink(fd);
      if (!(await writePieces(pieces, sink))) await sink(Buffer.from("\n"));
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
    throw new UserError("INPUT", `${file}: cannot write output (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
