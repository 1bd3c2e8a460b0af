// Every Dockerfile rule, in id order. Add new rules here.
import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { addInsteadOfCopy } from "./add-instead-of-copy.js";
import { addRemoteUrl } from "./add-remote-url.js";
import { apkCache } from "./apk-cache.js";
import { apkPin } from "./apk-pin.js";
import { aptLists } from "./apt-lists.js";
import { aptPin } from "./apt-pin.js";
import { aptRecommends } from "./apt-recommends.js";
import { aptUpgrade } from "./apt-upgrade.js";
import { aptYes } from "./apt-yes.js";
import { chmod777 } from "./chmod-777.js";
import { copyContext } from "./copy-context.js";
import { copyDestSlash } from "./copy-dest-slash.js";
import { copyFromSelf } from "./copy-from-self.js";
import { copyFromUndefined } from "./copy-from-undefined.js";
import { digestPin } from "./digest-pin.js";
import { dnfClean } from "./dnf-clean.js";
import { dnfPin } from "./dnf-pin.js";
import { duplicateAlias } from "./duplicate-alias.js";
import { exposeSsh } from "./expose-ssh.js";
import { healthcheck } from "./healthcheck.js";
import { latestTag } from "./latest-tag.js";
import { maintainer } from "./maintainer.js";
import { multipleCmd } from "./multiple-cmd.js";
import { multipleEntrypoint } from "./multiple-entrypoint.js";
import { multipleHealthcheck } from "./multiple-healthcheck.js";
import { pipCache } from "./pip-cache.js";
import { pipeToShell } from "./pipe-to-shell.js";
import { portRange } from "./port-range.js";
import { rootUser } from "./root-user.js";
import { runCd } from "./run-cd.js";
import { secretEnv } from "./secret-env.js";
import { shellForm } from "./shell-form.js";
import { sudo } from "./sudo.js";
import { updateAlone } from "./update-alone.js";
import { useraddUid } from "./useradd-uid.js";
import { workdirRelative } from "./workdir-relative.js";
import { wgetAndCurl } from "./wget-and-curl.js";
import { yumClean } from "./yum-clean.js";
import { yumPin } from "./yum-pin.js";
import { zypperClean } from "./zypper-clean.js";

export const dockerfileRules: Rule<DockerfileDoc>[] = [
  rootUser,
  latestTag,
  digestPin,
  addInsteadOfCopy,
  addRemoteUrl,
  pipeToShell,
  sudo,
  aptPin,
  aptRecommends,
  aptLists,
  aptUpgrade,
  apkCache,
  apkPin,
  yumClean,
  dnfClean,
  yumPin,
  dnfPin,
  pipCache,
  secretEnv,
  exposeSsh,
  portRange,
  healthcheck,
  multipleCmd,
  multipleEntrypoint,
  multipleHealthcheck,
  workdirRelative,
  chmod777,
  copyContext,
  runCd,
  maintainer,
  shellForm,
  copyFromUndefined,
  copyFromSelf,
  duplicateAlias,
  useraddUid,
  aptYes,
  updateAlone,
  copyDestSlash,
  zypperClean,
  wgetAndCurl,
];
