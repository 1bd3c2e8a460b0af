export { getWriter, reportFormats } from "./registry.js";
export type { ReportWriter, WriteOptions } from "./types.js";
