// `bulwark worker` with BULWARK_SECRET_KEY takes credentialed scans (Harbor requests, watches with
// logins): with no server running, a job whose registry login is sealed with the key is scanned by
// the worker alone from a real docker-registry that requires that login.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { importPaths } from "../../src/index.js";
import { startWorker, type RunningWorker } from "../../src/server/index.js";
import { submitCredentialedScan } from "../../src/server/integrations/harbor.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage } from "../support/image-builder.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { osv, waitFor } from "./helpers.js";

const missing = missingTool("credentialed scans on bulwark worker", [...REGISTRY_AUTH_TOOLS, ...POSTGRES_TOOLS]);

describe.skipIf(missing !== undefined)("bulwark worker with BULWARK_SECRET_KEY", () => {
  const work = mkdtempSync(join(tmpdir(), "bw-worker-cred-"));
  const user = { user: "robot", password: "R0bot-s3cret-91" };
  const saved = process.env["BULWARK_SECRET_KEY"];
  let pg: PostgresServer | undefined;
  let reg: RegistryServer | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    process.env["BULWARK_SECRET_KEY"] = "11".repeat(32);
    mkdirSync(join(work, "osv"));
    writeFileSync(join(work, "osv", "a.json"), osv("TEST-BASH-1", "bash", "9.9-1", { aliases: ["CVE-2095-0001"] }));
    await importPaths(join(work, "adv.db"), [join(work, "osv")]);
    [pg, reg] = await Promise.all([startPostgres(), startRegistry({ htpasswd: user })]);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await pg?.stop();
    await reg?.stop();
    if (saved === undefined) delete process.env["BULWARK_SECRET_KEY"];
    else process.env["BULWARK_SECRET_KEY"] = saved;
    rmSync(work, { recursive: true, force: true });
  });

  it("scans a job whose login is sealed with the key, with no server running", async () => {
    const image = await buildImage({ layers: [{ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }] });
    const ref = `${reg!.host}/team/app:1.0`;
    await pushImage(ref, image, { username: user.user, password: user.password });
    worker = await startWorker({ database: pg!.url, workers: 1, advisoryDb: join(work, "adv.db"), cacheDir: join(work, "cache"), quiet: true, offline: true });
    expect(worker.ctx.config.secretKey).toBeDefined();
    const id = await submitCredentialedScan(worker.ctx, { image: ref, source: "test", insecure: true, credentials: { username: user.user, password: user.password }, singletonKey: ref });
    const scan = await waitFor("the credentialed scan", async () => {
      const row = await worker!.ctx.db.selectFrom("scans").selectAll().where("id", "=", id).executeTakeFirst();
      return row && (row.status === "done" || row.status === "failed") ? row : undefined;
    }, 90_000);
    expect(scan.error ?? "").toBe("");
    expect(scan.status).toBe("done");
    expect(scan.digest).toBe(image.manifest.digest);
    const findings = await worker.ctx.db.selectFrom("findings").select("vuln_id").where("image_digest", "=", image.manifest.digest).execute();
    expect(findings.map((f) => f.vuln_id)).toEqual(["CVE-2095-0001"]);
  }, 120_000);
});
