// A small, forgiving shell splitter: enough to see the simple commands of a RUN line and which ones
// are fed by a pipe. It never evaluates anything and never throws.

export interface ShellCommand {
  words: string[];
  /** True when this command reads the previous command's output through `|`. */
  piped: boolean;
}

/** Split shell text into simple commands, honouring quotes, comments and the usual separators. */
export function splitShell(text: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  let piped = false;
  let nextPiped = false;

  const endWord = (): void => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = (pipeNext: boolean): void => {
    endWord();
    if (words.length > 0) out.push({ words, piped });
    words = [];
    piped = pipeNext || nextPiped;
    nextPiped = false;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      // A backslash-newline is a continuation; otherwise keep the escaped character literally.
      if (text[i + 1] !== "\n") {
        word += text[i + 1];
        inWord = true;
      }
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      word += text.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && j + 1 < text.length) {
          word += text[j + 1];
          j += 2;
        } else {
          word += text[j];
          j++;
        }
      }
      inWord = true;
      i = j;
    } else if (c === "#" && !inWord) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl - 1;
    } else if (c === " " || c === "\t" || c === "\r") {
      endWord();
    } else if (c === "|") {
      if (text[i + 1] === "|") {
        i++;
        endCommand(false);
      } else {
        endCommand(true);
      }
    } else if (c === "&" || c === ";" || c === "\n" || c === "(" || c === ")" || c === "{" || c === "}" || c === "`") {
      if (c === "&" && text[i + 1] === "&") i++;
      endCommand(false);
    } else if (c === "$" && text[i + 1] === "(") {
      // Command substitution: its content is a command of its own.
      i++;
      endCommand(false);
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand(false);
  return out;
}

const PREFIXES = new Set(["sudo", "env", "command", "exec", "time", "nohup", "nice", "xargs"]);

/** The program a command runs and its arguments, past `VAR=x`, `sudo`, `env` and similar wrappers. */
export function program(cmd: ShellCommand): { name: string; args: string[] } {
  const w = cmd.words;
  let i = 0;
  while (i < w.length) {
    const cur = w[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(cur)) i++;
    else if (PREFIXES.has(cur)) {
      i++;
      // Skip the wrapper's own options (sudo -u user, env -i).
      while (i < w.length && w[i]!.startsWith("-")) {
        if (cur === "sudo" && /^-[ugCDhpRrTU]$/.test(w[i]!)) i++;
        i++;
      }
    } else break;
  }
  const name = (w[i] ?? "").replace(/^.*\//, "");
  return { name, args: w.slice(i + 1) };
}

