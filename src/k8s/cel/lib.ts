// @bufbuild/cel, with @bufbuild/protobuf and re2 under it, is some 130 modules and 5 MB of memory:
// only users' CEL policies need it, so it is required on first use instead of imported by every
// command that loads the library (the image scan measured its peak memory with it). The CommonJS
// build is the one loaded, everywhere in Bulwark: values from two copies of the library would not
// mix.
import { createRequire } from "node:module";
import type * as CelModule from "@bufbuild/cel";
import type * as CelExtModule from "@bufbuild/cel/ext";

export type Cel = typeof CelModule;
export type CelExt = typeof CelExtModule;

const load = createRequire(import.meta.url);
let cel: Cel | undefined;
let ext: CelExt | undefined;

export const celLib = (): Cel => (cel ??= load("@bufbuild/cel") as Cel);
export const celExt = (): CelExt => (ext ??= load("@bufbuild/cel/ext") as CelExt);
