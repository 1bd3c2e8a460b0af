// Payments and commerce: Stripe, Square, PayPal/Braintree, Shopify.
import type { SecretRule } from "../types.js";
import { END, re } from "./shape.js";

export const paymentRules: SecretRule[] = [
  {
    id: "BW-SECRET-STRIPE-SECRET-KEY",
    title: "Stripe secret key",
    severity: "CRITICAL",
    keywords: ["sk_live_", "sk_test_"],
    regex: re(String.raw`\b(?<secret>sk_(?:live|test)_[A-Za-z0-9]{24,99})${END}`),
  },
  {
    id: "BW-SECRET-STRIPE-RESTRICTED-KEY",
    title: "Stripe restricted key",
    severity: "HIGH",
    keywords: ["rk_live_", "rk_test_"],
    regex: re(String.raw`\b(?<secret>rk_(?:live|test)_[A-Za-z0-9]{24,99})${END}`),
  },
  {
    id: "BW-SECRET-STRIPE-WEBHOOK-SECRET",
    title: "Stripe webhook signing secret",
    severity: "MEDIUM",
    keywords: ["whsec_"],
    regex: re(String.raw`\b(?<secret>whsec_[A-Za-z0-9+/]{32,})${END}`),
  },
  {
    id: "BW-SECRET-SQUARE-ACCESS-TOKEN",
    title: "Square access token",
    severity: "HIGH",
    keywords: ["sq0atp-", "eaaa"],
    regex: re(String.raw`\b(?<secret>sq0atp-[A-Za-z0-9_-]{22}|EAAA[A-Za-z0-9_-]{60})${END}`),
  },
  {
    id: "BW-SECRET-SQUARE-OAUTH-SECRET",
    title: "Square OAuth secret",
    severity: "HIGH",
    keywords: ["sq0csp-"],
    regex: re(String.raw`\b(?<secret>sq0csp-[A-Za-z0-9_-]{43})${END}`),
  },
  {
    id: "BW-SECRET-PAYPAL-BRAINTREE-TOKEN",
    title: "PayPal Braintree access token",
    severity: "CRITICAL",
    keywords: ["access_token$"],
    regex: re(String.raw`\b(?<secret>access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})${END}`),
  },
  {
    id: "BW-SECRET-SHOPIFY-TOKEN",
    title: "Shopify access token or shared secret",
    severity: "HIGH",
    keywords: ["shpat_", "shpca_", "shppa_", "shpss_"],
    regex: re(String.raw`\b(?<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${END}`),
  },
];
