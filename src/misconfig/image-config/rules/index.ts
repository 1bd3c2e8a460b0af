// Every image-config rule, in id order.
import type { Rule } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { imageChmod777 } from "./chmod-history.js";
import { imageHealthcheck } from "./healthcheck.js";
import { imagePipeToShell } from "./pipe-history.js";
import { imageRootUser } from "./root-user.js";
import { imageSecretEnv } from "./secret-env.js";
import { imageSecretHistory } from "./secret-history.js";
import { imageSecretLabel } from "./secret-label.js";
import { imageSshPort } from "./ssh-port.js";
import { imageSudo } from "./sudo-history.js";

export const imageConfigRules: Rule<ImageDoc>[] = [
  imageRootUser,
  imageHealthcheck,
  imageSecretEnv,
  imageSecretLabel,
  imageSecretHistory,
  imageSshPort,
  imageSudo,
  imageChmod777,
  imagePipeToShell,
];
