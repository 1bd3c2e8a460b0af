#!/usr/bin/env node
// A larger young generation: parsing manifests and package databases allocates many
// short-lived objects, and scavenges were a third of the run time on large inputs.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--max-semi-space-size=64");
// A plain snapshot of the environment: Node's process.env is a C++-backed object where every read
// is a getenv call, and the yaml parser reads process.env.LOG_TOKENS once per token (about 0.4 s
// on 10,000 manifests). Child processes still get this environment; the CLI never changes it.
process.env = { ...process.env };
const { run } = await import("./run.js");
process.exitCode = await run(process.argv.slice(2));
