import https from "node:https";
import { readFileSync } from "node:fs";
import { RegistryClient } from "./dist/src/image/registry/client.js";
const srv = https.createServer({ key: readFileSync("/tmp/k.pem"), cert: readFileSync("/tmp/c.pem") }, (req, res) => { res.writeHead(200, { "docker-distribution-api-version": "registry/2.0" }); res.end("{}"); });
await new Promise((r) => srv.listen(38997, "192.0.2.2", r));
for (const [insecure, proxied] of [[false, true], [true, true], [false, false], [true, false]]) {
  const env = proxied ? { HTTPS_PROXY: "http://127.0.0.1:38998" } : {};
  const c = new RegistryClient("192.0.2.2:38997", { env, insecure, retry: { attempts: 1 } });
  try { const res = await c.request({ method: "GET", target: "/v2/", repository: "x" }); console.log("insecure", insecure, "proxied", proxied, "->", res.statusCode); res.resume(); }
  catch (e) { console.log("insecure", insecure, "proxied", proxied, "->", e.message); }
}
srv.close();
