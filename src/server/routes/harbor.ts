// Harbor Pluggable Scanner API v1.2 (docs/server-integrations.md): register Bulwark in Harbor as a
// scanner at this server's URL, with a scanner-role token as its Bearer credential.
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { HttpError } from "../http-error.js";
import { HARBOR_MIME, harborMetadata, harborReportKind, harborScanner, toHarborReport, toHarborSbomReport } from "../../integrations/harbor/report.js";
import { HarborRequestError, parseHarborScanRequest } from "../../integrations/harbor/request.js";
import { dbStatus, toolVersion } from "../../index.js";
import { harborScanState, storedReport, submitHarborScan, writeSbom } from "../integrations/harbor.js";

/** Seconds Harbor is told to wait before polling a running scan again. */
const REFRESH_AFTER = 10;

// Harbor's vendor media types are not "application/json": bodies are serialised here.
const harborError = (message: string): string => JSON.stringify({ error: { message } });

export const harborRoutes: RoutePlugin = (app, ctx) => {
  // Harbor's vendor media types carry JSON.
  app.addContentTypeParser(/^application\/vnd\.scanner\.adapter\.scan\.request\+json/i, { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpError(400, "INVALID_JSON", "the scan request is not valid JSON"));
    }
  });

  app.get("/api/v1/metadata", { onRequest: [requireRole("reader")], schema: { summary: "Harbor scanner adapter: metadata and capabilities", tags: ["harbor"] } }, async (_req, reply) => {
    let builtAt: string | undefined;
    try {
      builtAt = dbStatus(ctx.config.advisoryDb).builtAt;
    } catch {
      // No readable advisory database: the property is left out.
    }
    return reply.type(HARBOR_MIME.metadata).send(JSON.stringify(harborMetadata(toolVersion(), builtAt)));
  });

  app.post(
    "/api/v1/scan",
    { onRequest: [requireRole("scanner")], schema: { summary: "Harbor scanner adapter: accept a scan request", tags: ["harbor"], body: { type: "object" } } },
    async (req, reply) => {
      let target;
      try {
        target = parseHarborScanRequest(req.body);
      } catch (e) {
        if (e instanceof HarborRequestError) return reply.status(e.status).type(HARBOR_MIME.error).send(harborError(e.message));
        throw e;
      }
      const id = await submitHarborScan(ctx, target, req.principal);
      await ctx.audit(req.principal!, "harbor.scan", target.image, { id });
      return reply.status(202).type(HARBOR_MIME.scanResponse).send(JSON.stringify({ id }));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { sbom_media_type?: string } }>(
    "/api/v1/scan/:id/report",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Harbor scanner adapter: the report of a scan request",
        tags: ["harbor"],
        params: { type: "object", required: ["id"], properties: { id: { type: "string", pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" } } },
        querystring: { type: "object", additionalProperties: false, properties: { sbom_media_type: { type: "string", maxLength: 100 } } },
      },
    },
    async (req, reply) => {
      const kind = harborReportKind(req.headers.accept);
      if (!kind) return reply.status(501).type(HARBOR_MIME.error).send(harborError(`Bulwark does not produce ${String(req.headers.accept).slice(0, 100)}`));
      const sbomType = req.query.sbom_media_type;
      if (kind === "sbom" && sbomType !== HARBOR_MIME.cyclonedx && sbomType !== HARBOR_MIME.spdx) {
        return reply.status(400).type(HARBOR_MIME.error).send(harborError(`sbom_media_type must be ${HARBOR_MIME.cyclonedx} or ${HARBOR_MIME.spdx}`));
      }
      const state = await harborScanState(ctx, req.params.id);
      if (!state) return reply.status(404).type(HARBOR_MIME.error).send(harborError("no such scan request"));
      if (state.status === "queued" || state.status === "running") return reply.status(302).header("refresh-after", String(REFRESH_AFTER)).send();
      if (state.status === "failed" || !state.digest) return reply.status(500).type(HARBOR_MIME.error).send(harborError(state.error ?? "the scan failed"));
      const report = await storedReport(ctx, state.digest);
      if (!report) return reply.status(500).type(HARBOR_MIME.error).send(harborError("the scanned image is no longer stored"));
      const generated = state.finishedAt ? new Date(state.finishedAt) : ctx.clock();
      if (kind === "vulnerability") {
        const mime = /version=1\.0/.test(String(req.headers.accept)) && String(req.headers.accept).includes("harbor+json") ? HARBOR_MIME.vulnReport10 : HARBOR_MIME.vulnReport11;
        return reply.type(mime).send(JSON.stringify(toHarborReport(report, state.artifact, harborScanner(toolVersion()), generated)));
      }
      const mediaType = sbomType === HARBOR_MIME.spdx ? HARBOR_MIME.spdx : HARBOR_MIME.cyclonedx;
      const sbom = writeSbom(report, mediaType === HARBOR_MIME.spdx ? "spdx-json" : "cyclonedx-json", generated);
      return reply.type(HARBOR_MIME.sbomReport).send(JSON.stringify(toHarborSbomReport(sbom, mediaType, state.artifact, harborScanner(toolVersion()), generated)));
    },
  );
};
