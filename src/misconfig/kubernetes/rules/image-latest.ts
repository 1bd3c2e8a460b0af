// "latest" or no tag makes deployments unreproducible: the running code changes under the same manifest.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { isLatest, parseImage } from "../image.js";

export const imageLatest: K8sRule = {
  id: "BW-K8S-025",
  title: "Image uses the latest tag or no tag",
  severity: "MEDIUM",
  remediation: "Reference a specific version tag (and ideally a digest) for the image.",
  references: { avd: "KSV013", urls: ["https://kubernetes.io/docs/concepts/configuration/overview/#container-images"] },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const image = str(c.spec.image);
      if (!image) return undefined;
      const ref = parseImage(image);
      if (!isLatest(ref)) return undefined;
      return hit(doc.res, containerFieldLine(doc.res, c, ["image"]), `${describe(c)} of ${label(doc.res)} uses image "${image}" ${ref.tag ? "with the latest tag" : "without a tag"}`, c.name);
    }),
  examples: {
    good: [podYaml({ image: "nginx:1.27.1" }), podYaml({ image: "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000" })],
    bad: [podYaml({ image: "nginx" }), podYaml({ image: "registry.example.com:5000/team/app:latest" })],
  },
};
