// Every secret rule, in priority order: when two rules match the same text on a line, the
// earlier one is reported (specific formats before the generic assignment rules).
import type { SecretRule } from "../types.js";
import { accessRules } from "./access.js";
import { awsRules } from "./aws.js";
import { azureRules } from "./azure.js";
import { chatRules } from "./chat.js";
import { cloudRules } from "./cloud.js";
import { frameworkRules } from "./frameworks.js";
import { gcpRules } from "./gcp.js";
import { genericRules } from "./generic.js";
import { gitRules } from "./git.js";
import { keyRules } from "./keys.js";
import { mailRules } from "./mail.js";
import { packageRules } from "./packages.js";
import { paymentRules } from "./payments.js";

export const secretRules: readonly SecretRule[] = [
  ...gcpRules,
  ...keyRules,
  ...awsRules,
  ...azureRules,
  ...gitRules,
  ...chatRules,
  ...paymentRules,
  ...mailRules,
  ...packageRules,
  ...cloudRules,
  ...accessRules,
  ...frameworkRules,
  ...genericRules,
];
