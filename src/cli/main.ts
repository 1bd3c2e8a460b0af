#!/usr/bin/env node
// A larger young generation: parsing manifests and package databases allocates many
// short-lived objects, and scavenges were a third of the run time on large inputs.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--max-semi-space-size=64");
const { run } = await import("./run.js");
process.exitCode = await run(process.argv.slice(2));
