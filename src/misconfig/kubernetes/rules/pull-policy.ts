// A mutable tag with a cached pull policy lets nodes run different images for the same manifest.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { isLatest, parseImage } from "../image.js";

export const pullPolicy: K8sRule = {
  id: "BW-K8S-027",
  title: "imagePullPolicy is not Always for a latest image",
  severity: "LOW",
  remediation: "Pin the image to a version, or set `imagePullPolicy: Always` while it uses latest.",
  references: { kubescape: "C-0075" },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const image = str(c.spec.image);
      if (!image) return undefined;
      const ref = parseImage(image);
      if (!isLatest(ref)) return undefined;
      // With latest/no tag Kubernetes defaults to Always, so only an explicit other value matters.
      const policy = str(c.spec.imagePullPolicy);
      if (policy === undefined || policy === "Always") return undefined;
      return hit(doc.res, containerFieldLine(doc.res, c, ["imagePullPolicy"]), `${describe(c)} of ${label(doc.res)} uses "${image}" with imagePullPolicy: ${policy}`, c.name);
    }),
  examples: {
    good: [podYaml({ image: "nginx:latest", container: ["imagePullPolicy: Always"] }), podYaml({ image: "nginx:1.27", container: ["imagePullPolicy: IfNotPresent"] })],
    bad: [podYaml({ image: "nginx:latest", container: ["imagePullPolicy: IfNotPresent"] })],
  },
};
