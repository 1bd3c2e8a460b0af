// elfKind against readelf (binutils) on real files of this machine: ET_EXEC and PIE executables,
// shared libraries, and a non-ELF file.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../test/support/tools.js";
import { elfKind } from "./compare.js";

function head(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(4096);
    return b.subarray(0, readSync(fd, b, 0, 4096, 0));
  } finally {
    closeSync(fd);
  }
}

/** What readelf says: executable when ET_EXEC, or ET_DYN with a program interpreter. */
function readelfKind(file: string): string {
  const h = execFileSync("readelf", ["-h", "-l", "-W", file], { encoding: "utf8" });
  const type = /^\s*Type:\s+(\w+)/m.exec(h)?.[1];
  if (type === "EXEC") return "executable";
  if (type === "DYN") return /^\s*INTERP\s/m.test(h) ? "executable" : "shared-library";
  return "object";
}

const FILES = ["/bin/busybox", "/bin/ls", "/usr/bin/env", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libz.so.1", "/lib64/ld-linux-x86-64.so.2"].filter(existsSync);

describe.skipIf(missingTool("ELF classification cross-check", "readelf") !== undefined)("elfKind", () => {
  it.each(FILES)("classifies %s as readelf does", (file) => {
    // Named *.so*: a library by name, as the loader itself is (ld.so has no interpreter either).
    expect(elfKind(head(file), file)).toBe(/\.so(\.|$)/.test(file) ? "shared-library" : readelfKind(file));
  });

  it("says nothing for non-ELF files", () => {
    expect(elfKind(Buffer.from("#!/bin/sh\necho hi\n"), "/x.sh")).toBeUndefined();
    expect(elfKind(Buffer.from("\x7fELF"), "/short")).toBeUndefined();
  });
});
