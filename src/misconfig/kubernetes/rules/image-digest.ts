// Tags are mutable; only a digest guarantees the same image bytes on every node.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { parseImage } from "../image.js";

export const imageDigest: K8sRule = {
  id: "BW-K8S-026",
  title: "Image not pinned by digest",
  severity: "LOW",
  remediation: "Reference the image by digest (`image: repo/app:1.2@sha256:...`).",
  references: { urls: ["https://kubernetes.io/docs/concepts/containers/images/#image-names"] },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const image = str(c.spec.image);
      if (!image || parseImage(image).digest) return undefined;
      return hit(doc.res, containerFieldLine(doc.res, c, ["image"]), `${describe(c)} of ${label(doc.res)} uses image "${image}" without a digest`, c.name);
    }),
  examples: {
    good: [podYaml({ image: "nginx:1.27.1@sha256:0000000000000000000000000000000000000000000000000000000000000000" })],
    bad: [podYaml({ image: "nginx:1.27.1" })],
  },
};
