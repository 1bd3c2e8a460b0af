/** One header blob found in a database, with a short note of where, for error messages. */
export interface HeaderBlob {
  where: string;
  blob: Buffer;
}

/** Receives one short description per damaged record that was skipped. */
export type ReportError = (message: string) => void;

/** A file that is a database of the right kind but unusable as a whole. */
export class RpmDbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpmDbError";
  }
}
