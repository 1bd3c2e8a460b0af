import { SERVICE, toolRule } from "./tool-rule.js";

export const networkTools = toolRule("BW-IMG-024", "network", "Network tool in the image", "download and connect tools are how intruders fetch payloads and move data out.", {
  good: [`${SERVICE}\n-rwxr-xr-x 100 app/curl-wrapper.txt`, `${SERVICE}\n-rw-r--r-- 300000 usr/bin/curl`],
  bad: [
    `${SERVICE}\n-rwxr-xr-x 300000 usr/bin/curl`,
    "-rwxr-xr-x 40000 bin/nc.openbsd\nlrwxrwxrwx 0 etc/alternatives/nc -> /bin/nc.openbsd\nlrwxrwxrwx 0 bin/nc -> /etc/alternatives/nc",
  ],
});
