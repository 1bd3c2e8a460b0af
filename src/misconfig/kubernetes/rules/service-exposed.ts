// NodePort and LoadBalancer Services open the workload outside the cluster network.
import type { K8sRule } from "../context.js";
import { hit } from "../checks.js";
import { asObj, label, line, str } from "../resource.js";

export const serviceExposed: K8sRule = {
  id: "BW-K8S-033",
  title: "Service exposed outside the cluster",
  severity: "LOW",
  remediation: "Use a ClusterIP Service behind an Ingress/Gateway, or restrict `loadBalancerSourceRanges`.",
  references: { nsa: "Network separation and hardening", urls: ["https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"] },
  check({ res }) {
    if (res.kind !== "Service") return [];
    const spec = asObj(res.obj.spec);
    const type = str(spec.type);
    if (type !== "NodePort" && type !== "LoadBalancer") return [];
    const h = hit(res, line(res, ["spec", "type"]), `${label(res)} is of type ${type}`);
    // An unrestricted load balancer is reachable from anywhere, a NodePort only via node addresses.
    if (type === "LoadBalancer" && (spec.loadBalancerSourceRanges === undefined || (Array.isArray(spec.loadBalancerSourceRanges) && spec.loadBalancerSourceRanges.length === 0))) h.severity = "MEDIUM";
    return [h];
  },
  examples: {
    good: ["apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n  ports:\n    - port: 80"],
    bad: ["apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort"],
  },
};
