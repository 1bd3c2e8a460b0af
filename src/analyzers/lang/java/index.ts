// Java archives (.jar, .war, .ear, .jpi, .hpi) anywhere in the image, including archives
// nested inside them. Identity per archive: its own META-INF/maven/<g>/<a>/pom.properties,
// else MANIFEST.MF, else the file name; other pom.properties are shaded dependencies.
import { finalizeMaven } from "../../shared/maven.js";
import type { Analyzer, AnalyzerFile, FileAnalysis } from "../../types.js";
import { walkJavaArchive } from "./archive.js";
import { isJavaArchiveName } from "./identity.js";

export const javaAnalyzer: Analyzer = {
  id: "lang/java",
  evidence: "installed",
  version: 1,
  maxFileSize: 2 * 2 ** 30,
  input: "file",
  required: isJavaArchiveName,
  async analyze(file: AnalyzerFile): Promise<FileAnalysis | null> {
    const { packages, errors } = await walkJavaArchive(file.localPath ?? file.content, file.path);
    return { ...(packages.length ? { packages } : {}), ...(errors.length ? { errors } : {}) };
  },
  finalize: finalizeMaven,
};
