// The listing format of rule examples and tests: one entry per line, `ls -l` style, layers split
// by `---`. Entries go through the real collector, so examples test it too.
//   -rwsr-xr-x 1000 usr/bin/passwd      file (mode, size, path)
//   lrwxrwxrwx 0 usr/bin/sh -> dash      symlink (h… for a hard link)
//   drwxrwxrwt 0 tmp                     directory
//   wh root/.bash_history                whiteout;  opq DIR: opaque directory
//   config {"config":{"User":"app"}}     the image config
//   step RUN apt-get install curl        the layer's created_by
import type { ImageConfigLike } from "../image-config/types.js";
import { ContentsCollector } from "./collect.js";
import type { EntryFacts } from "./types.js";
import type { ContentsLayer } from "./view.js";

const TYPES: Record<string, EntryFacts["type"]> = { "-": "file", d: "dir", l: "symlink", h: "hardlink" };

export function parseMode(text: string): { type: EntryFacts["type"]; mode: number } {
  const type = TYPES[text[0]!];
  if (!type || text.length !== 10) throw new Error(`bad mode ${text}`);
  let mode = 0;
  const p = text.slice(1);
  for (let i = 0; i < 9; i++) if (p[i] !== "-" && p[i] !== "S" && p[i] !== "T") mode |= 1 << (8 - i);
  if (p[2] === "s" || p[2] === "S") mode |= 0o4000;
  if (p[5] === "s" || p[5] === "S") mode |= 0o2000;
  if (p[8] === "t" || p[8] === "T") mode |= 0o1000;
  return { type, mode };
}

export function parseListing(text: string): { layers: ContentsLayer[]; config: ImageConfigLike } {
  const layers: ContentsLayer[] = [];
  let config: ImageConfigLike = {};
  let collector = new ContentsCollector();
  let layer: ContentsLayer = { whiteouts: [], opaqueDirs: [] };
  let n = 0;
  const close = (): void => {
    layer.contents = collector.result();
    layers.push(layer);
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line === "---") {
      close();
      collector = new ContentsCollector();
      layer = { whiteouts: [], opaqueDirs: [] };
      continue;
    }
    const [head, ...rest] = line.split(" ");
    const arg = rest.join(" ");
    if (head === "config") config = JSON.parse(arg) as ImageConfigLike;
    else if (head === "wh") layer.whiteouts.push(arg);
    else if (head === "opq") layer.opaqueDirs.push(arg);
    else if (head === "step") layer.ref = { digest: `sha256:${String(++n).padStart(64, "0")}`, diffId: `sha256:${String(n).padStart(64, "0")}`, createdBy: arg };
    else {
      const { type, mode } = parseMode(head!);
      const [size, path, arrow, ...link] = rest;
      collector.add({ type, mode, size: Number(size), path: path!, linkname: arrow === "->" ? link.join(" ") : "" });
    }
  }
  close();
  return { layers, config };
}
