#!/usr/bin/env node
// No V8 flags are set here. `v8.setFlagsFromString("--max-semi-space-size=64")`, once set at this
// point, did not change this thread's heap (its limits are fixed when the isolate is made) but
// did apply to every worker thread made later, overriding their resourceLimits: the secret
// scan's worker grew a 128 MiB young generation, and `scan --scanners secret` of the real bench
// image peaked at 330-360 MB instead of 274-287 MB (docs/pipeline.md).
// A plain snapshot of the environment: Node's process.env is a C++-backed object where every read
// is a getenv call, and the yaml parser reads process.env.LOG_TOKENS once per token (about 0.4 s
// on 10,000 manifests). Child processes still get this environment; the CLI never changes it.
process.env = { ...process.env };
const { run } = await import("./run.js");
process.exitCode = await run(process.argv.slice(2));
