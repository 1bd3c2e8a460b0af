// Without TLS the Ingress serves credentials and session cookies in clear text.
import type { K8sRule } from "../context.js";
import { hit } from "../checks.js";
import { asArray, asObj, label, line } from "../resource.js";

export const ingressTls: K8sRule = {
  id: "BW-K8S-034",
  title: "Ingress without TLS",
  severity: "MEDIUM",
  remediation: "Add a `spec.tls` section with a certificate Secret for the Ingress hosts.",
  references: { nsa: "Network separation and hardening", urls: ["https://kubernetes.io/docs/concepts/services-networking/ingress/#tls"] },
  check({ res }) {
    if (res.kind !== "Ingress" || asArray(asObj(res.obj.spec).tls).length > 0) return [];
    return [hit(res, line(res, ["spec"]), `${label(res)} has no TLS configuration`)];
  },
  examples: {
    good: ["apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com"],
    bad: ["apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com"],
  },
};
