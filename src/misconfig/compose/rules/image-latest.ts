// "latest" or no tag makes the deployed code change without the Compose file changing.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, str } from "../doc.js";
import { isLatest, parseImage } from "../../kubernetes/image.js";

export const imageLatest: ComposeRule = {
  id: "BW-COMPOSE-009",
  title: "Image uses the latest tag or no tag",
  severity: "MEDIUM",
  remediation: "Pin the image to a version tag (and ideally a digest).",
  references: { urls: ["https://docs.docker.com/reference/compose-file/services/#image"] },
  check: (doc) =>
    eachService(doc, (s) => {
      const image = str(s.obj.image);
      // A service built locally names its result with `image:`; the tag is then ours to choose.
      if (!image || s.obj.build !== undefined || image.includes("${")) return undefined;
      const ref = parseImage(image);
      if (!isLatest(ref)) return undefined;
      return hit(s, doc.lineOf(s, ["image"]), `service "${s.name}" uses image "${image}" ${ref.tag ? "with the latest tag" : "without a tag"}`);
    }),
  examples: {
    good: [composeYaml([], "postgres:16.4"), composeYaml([], "${REGISTRY}/app:${TAG}")],
    bad: [composeYaml([], "postgres"), composeYaml([], "redis:latest")],
  },
};
