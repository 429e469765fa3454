/**
 * Shell text as data: a `run:` script or a committed script cut into simple commands (words,
 * redirections, whether a command substitution runs), without running or expanding anything.
 * Enough of POSIX sh for CI scripts: quotes, escapes, line continuations, comments, `;`, `&&`,
 * `||`, `|`, `&`, subshell parentheses and here-documents (whose body is data, skipped).
 */

export interface SimpleCommand {
  /** 1-based line in the file where the command starts. */
  readonly line: number;
  /** The command as written, one line. */
  readonly text: string;
  /** Words with quotes removed; `$X` stays as written. */
  readonly words: readonly string[];
  /** `>> "$GITHUB_ENV"` and the like: operator and target word. */
  readonly redirects: readonly { readonly op: string; readonly target: string }[];
  /** `$(...)` or a backtick outside single quotes: a program the words do not show runs. */
  readonly substitution: boolean;
}

/** Cuts a script into simple commands; `firstLine` is the file line of the script's first line. */
export function simpleCommands(script: string, firstLine: number): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  const lines = script.split("\n");
  let words: string[] = [];
  let redirects: { op: string; target: string }[] = [];
  let word = "";
  let inWord = false;
  let substitution = false;
  let startLine = firstLine;
  let text = "";
  let pendingRedirect: string | undefined;
  const heredocs: string[] = [];
  let quote: "'" | '"' | undefined;

  const endWord = () => {
    if (!inWord) return;
    if (pendingRedirect !== undefined) {
      redirects.push({ op: pendingRedirect, target: word });
      pendingRedirect = undefined;
    } else words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0 || redirects.length > 0) out.push({ line: startLine, text: text.trim(), words, redirects, substitution });
    words = [];
    redirects = [];
    substitution = false;
    text = "";
    pendingRedirect = undefined;
  };

  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li];
    const lineNo = firstLine + li;
    if (heredocs.length > 0 && quote === undefined) {
      // A here-document's body is data until its delimiter line.
      if (raw.replace(/^\t+/, "") === heredocs[0]) heredocs.shift();
      continue;
    }
    if (words.length === 0 && !inWord && quote === undefined && text.trim() === "") startLine = lineNo;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (quote === "'") {
        text += c;
        if (c === "'") quote = undefined;
        else word += c;
        continue;
      }
      // A GitHub expression (`${{ inputs.target }}`) is replaced by its value before the shell runs:
      // one word here, whatever spaces it holds inside the braces.
      if (c === "$" && raw.startsWith("${{", i)) {
        const close = raw.indexOf("}}", i + 3);
        if (close >= 0) {
          const expression = raw.slice(i, close + 2);
          if (quote === undefined && words.length === 0 && !inWord && text.trim() === "") startLine = lineNo;
          text += expression;
          word += expression;
          inWord = true;
          i = close + 1;
          continue;
        }
      }
      if (quote === '"') {
        text += c;
        if (c === '"') quote = undefined;
        else if (c === "\\" && i + 1 < raw.length && /["\\$`]/.test(raw[i + 1])) word += raw[++i];
        else {
          if ((c === "$" && raw[i + 1] === "(") || c === "`") substitution = true;
          word += c;
        }
        continue;
      }
      if (c === "#" && !inWord) break; // a comment runs to the end of the line
      if (c === "\\") {
        if (i + 1 >= raw.length) break; // a line continuation
        text += c + raw[i + 1];
        word += raw[++i];
        inWord = true;
        continue;
      }
      if (c === "'" || c === '"') {
        if (words.length === 0 && !inWord && text.trim() === "") startLine = lineNo;
        quote = c;
        inWord = true;
        text += c;
        continue;
      }
      if ((c === "$" && raw[i + 1] === "(") || c === "`") substitution = true;
      if (c === " " || c === "\t") {
        endWord();
        text += c;
        continue;
      }
      if (c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
        // `&>file`: a redirection, not a separator.
        if (c === "&" && raw[i + 1] === ">") {
          endWord();
          let op = "&";
          while (raw[i + 1] === ">") op += raw[++i];
          text += op;
          pendingRedirect = op;
          continue;
        }
        endCommand();
        if ((c === "&" || c === "|" || c === ";") && raw[i + 1] === c) i++;
        continue;
      }
      if (c === ">" || c === "<") {
        // `2>`: the digits are the file descriptor, not a word.
        if (inWord && /^\d+$/.test(word) && pendingRedirect === undefined) {
          word = "";
          inWord = false;
        } else endWord();
        let op = c;
        while (raw[i + 1] === ">" || raw[i + 1] === "<" || raw[i + 1] === "&" || raw[i + 1] === "-") op += raw[++i];
        text += op;
        if (op.startsWith("<<") && !op.startsWith("<<<")) {
          // `<<EOF`, `<<-'EOF'`: the delimiter is the next word, quotes removed.
          const m = /^\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(raw.slice(i + 1));
          if (m) {
            heredocs.push(m[2]);
            i += m[0].length;
          }
          continue;
        }
        pendingRedirect = op;
        continue;
      }
      text += c;
      word += c;
      inWord = true;
    }
    if (quote !== undefined) {
      word += "\n";
      text += " ";
      continue;
    }
    if (raw.endsWith("\\") && !raw.endsWith("\\\\")) {
      text += " ";
      continue;
    }
    endCommand();
  }
  endCommand();
  return out;
}

/** Shell words with quotes removed (no expansion: `$X` stays as written). */
export function shellWords(text: string): string[] {
  return simpleCommands(text, 1).flatMap((c) => c.words);
}

/** The values of a flag (`-t X`, `-t=X`, `--target X`, `--target=X`, `-tX` for short ones). */
export function flagValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const n of names) {
      if (a === n && i + 1 < args.length) out.push(args[i + 1]);
      else if (a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      else if (/^-[a-z]$/.test(n) && a.startsWith(n) && a.length > 2) out.push(a[2] === "=" ? a.slice(3) : a.slice(2));
    }
  }
  return out;
}

/**
 * A value as the step sees it: `$X`, `${X}`, `$1`, `${{ env.X }}` replaced from the environment in
 * scope when they name a literal there; undefined when anything else remains (`${{ inputs.x }}`,
 * secrets, `${X:-default}`, a command substitution).
 */
export function expand(value: string, env: readonly { readonly name: string; readonly value: string }[], depth = 0): string | undefined {
  const lookup = (name: string) => {
    const entry = [...env].reverse().find((e) => e.name === name);
    return entry === undefined || depth > 4 ? undefined : expand(entry.value, env, depth + 1);
  };
  let unresolved = false;
  const text = value
    .replace(/\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, n) => lookup(n) ?? ((unresolved = true), ""))
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9])\}|\$([A-Za-z_][A-Za-z0-9_]*|[0-9])/g, (_, a, b) => lookup(a ?? b) ?? ((unresolved = true), ""));
  return unresolved || /\$\{\{|\$\{|\$\(|`/.test(text) ? undefined : text;
}

