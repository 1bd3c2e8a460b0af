import { SERVICE, toolRule } from "./tool-rule.js";

export const compilerTools = toolRule("BW-IMG-022", "compiler", "Compiler or build tool in the image", "compilers let an intruder build exploits inside the container.", {
  good: [`${SERVICE}\n-rwxr-xr-x 100 app/build.sh`],
  bad: [`${SERVICE}\n-rwxr-xr-x 1000000 usr/bin/x86_64-linux-gnu-gcc-12\nlrwxrwxrwx 0 usr/bin/gcc -> gcc-12\nlrwxrwxrwx 0 usr/bin/gcc-12 -> x86_64-linux-gnu-gcc-12`, "-rwxr-xr-x 200000 usr/bin/make"],
});
