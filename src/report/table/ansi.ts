// Minimal ANSI styling; a no-op palette when colour is off so callers need no branches.

export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const colors: Palette = { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39) };

const same = (text: string) => text;
export const plain: Palette = { bold: same, dim: same, red: same, yellow: same };

/**
 * Package names, versions and error messages come from the scanned image. Replacing control
 * characters stops a hostile image from sending escape sequences to the user's terminal.
 */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, "?");
}
