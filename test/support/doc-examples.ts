/**
 * @module The docs' examples, read as the test suite runs them (docs/testing.md, "Examples that
 * run"): every ```sh block of README.md and docs/*.md holds `curl` commands against the local run,
 * each followed by its shown answer as `# ` lines; a block marked ```sh not-run holds commands the
 * suite cannot run (a deploy, a login), and never a request to the gateway. Pure text work, so
 * the Worker tests and the Node tests read the docs alike.
 */

/** Where the README's and the docs' requests go: the local run (`npm start`), and its emulator. */
export const LOCAL_ORIGINS = ["http://127.0.0.1:8787", "http://localhost:8787"];
export const EMULATOR_ORIGIN = "http://127.0.0.1:8788";

export interface Block {
  /** The fence's info string, e.g. `sh` or `sh not-run`. */
  info: string;
  body: string;
  /** The line of the block's first content line in its file (1-based). */
  line: number;
}

export function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    // A fence may be indented (a block inside a list): its lines are, as much.
    const open = /^( *)```(\S.*)?$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== "```") end++;
    const body = lines.slice(start, end).map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)));
    blocks.push({ info: (open[2] ?? "").trim(), body: body.join("\n"), line: start + 1 });
    i = end;
  }
  return blocks;
}

export const runnable = (block: Block) => block.info === "sh";
export const notRun = (block: Block) => block.info === "sh not-run";

export interface Example {
  /** Where it is written: `docs/api.md:42`. */
  where: string;
  /** The command as written (continuation lines joined). */
  command: string;
  argv: string[];
  /** The shown answer, `# ` taken off each line. */
  shown: string[];
}

/** A runnable block's commands, each with the `# ` lines after it; anything else in the block is an error. */
export function examplesOf(file: string, block: Block): Example[] {
  const examples: Example[] = [];
  const lines = block.body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const where = `${file}:${block.line + i}`;
    if (!line.startsWith("curl ")) throw new Error(`${where}: a runnable block holds curl commands and their answers only: ${line}`);
    let command = line;
    while (command.endsWith("\\") && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
    const shown: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1] === "#" || lines[i + 1]!.startsWith("# "))) shown.push(lines[++i]!.slice(2));
    if (shown.every((answer) => answer.trim() === "" || answer.trim() === ANY)) {
      throw new Error(`${where}: every example shows its answer as # lines, more than ${ANY}`);
    }
    examples.push({ where, command, argv: shellWords(command), shown });
  }
  return examples;
}

/** A command line as a POSIX shell splits it: single and double quotes, backslash escapes, no expansion. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === " " || c === "\t") {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${command}`);
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = "";
      for (i++; i < command.length && command[i] !== '"'; i++) {
        if (command[i] === "$") throw new Error(`variables are not expanded in examples: ${command}`);
        text += command[i] === "\\" && /["\\$`]/.test(command[i + 1] ?? "") ? command[++i] : command[i];
      }
      if (i >= command.length) throw new Error(`unclosed " in: ${command}`);
      word = (word ?? "") + text;
    } else if (c === "\\") {
      word = (word ?? "") + (command[++i] ?? "");
    } else if (c === "$" || c === "|" || c === ";" || c === "&" || c === ">" || c === "<") {
      throw new Error(`examples are single commands without shell syntax (${c}): ${command}`);
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

export interface CurlRequest {
  method: string;
  /** The URL as given. */
  url: string;
  headers: Headers;
  body?: string;
  /** `-i`: the answer shows the status line and headers. */
  include: boolean;
}

/** The request curl would send for these arguments (the options the docs use). */
export function curlRequest(argv: string[]): CurlRequest {
  if (argv[0] !== "curl") throw new Error(`not a curl command: ${argv.join(" ")}`);
  const headers = new Headers({ Accept: "*/*" });
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  let include = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "-X" || arg === "--request") method = value();
    else if (arg === "-H" || arg === "--header") {
      const header = value();
      const colon = header.indexOf(":");
      headers.set(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
    } else if (arg === "-d" || arg === "--data" || arg === "--data-raw") {
      body = value();
      // As curl does: a body without a Content-Type of its own is sent as a form.
      if (!headers.has("Content-Type")) headers.set("Content-Type", "application/x-www-form-urlencoded");
    } else if (arg === "-i" || arg === "--include") include = true;
    else if (arg === "-s" || arg === "--silent") continue;
    else if (arg.startsWith("-")) throw new Error(`curl option ${arg} is not one the examples use`);
    else if (url === undefined) url = arg;
    else throw new Error(`a second URL: ${arg}`);
  }
  if (url === undefined) throw new Error(`no URL in: ${argv.join(" ")}`);
  return { method: method ?? (body === undefined ? "GET" : "POST"), url, headers, ...(body === undefined ? {} : { body }), include };
}

/** The path and query of a request to the local run, and whether it is for its emulator; null for any other host. */
export function localPath(url: string): { path: string; emulator: boolean } | null {
  if (url.startsWith(`${EMULATOR_ORIGIN}/`)) return { path: url.slice(EMULATOR_ORIGIN.length), emulator: true };
  const origin = LOCAL_ORIGINS.find((candidate) => url.startsWith(`${candidate}/`));
  return origin ? { path: url.slice(origin.length), emulator: false } : null;
}

/** What an answer shows, as `curl` prints it (`-i`: the status line and headers first). */
export interface ShownAnswer {
  status?: number;
  headers: [string, string][];
  body: string;
}

export function shownAnswer(shown: string[], include: boolean): ShownAnswer {
  if (!include) return { headers: [], body: shown.join("\n") };
  const status = /^HTTP\/[\d.]+ (\d{3})\b/.exec(shown[0] ?? "");
  if (!status) throw new Error(`an answer shown with -i starts with its status line: ${shown[0]}`);
  const blank = shown.indexOf("", 1);
  const headerLines = shown.slice(1, blank < 0 ? undefined : blank);
  const headers = headerLines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  return { status: Number(status[1]), headers, body: blank < 0 ? "" : shown.slice(blank + 1).join("\n") };
}

/** The wildcard of shown answers: any value in JSON, any run of characters in a string. */
export const ANY = "…";

function globMatches(pattern: string, actual: string): boolean {
  if (!pattern.includes(ANY)) return pattern === actual;
  const parts = pattern.split(ANY).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[\\s\\S]*")}$`).test(actual);
}

/** Where `actual` differs from `shown` (JSON values): `"…"` matches anything, a list ending in `"…"` may go on. */
export function jsonDifferences(shown: unknown, actual: unknown, at = "$"): string[] {
  if (shown === ANY) return [];
  if (typeof shown === "string") {
    return typeof actual === "string" && globMatches(shown, actual)
      ? []
      : [`${at}: shown ${JSON.stringify(shown)}, answered ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual)) return [`${at}: shown a list, answered ${JSON.stringify(actual)}`];
    const open = shown.at(-1) === ANY;
    const items = open ? shown.slice(0, -1) : shown;
    if (open ? actual.length < items.length : actual.length !== items.length) {
      return [`${at}: shown ${items.length}${open ? " or more" : ""} items, answered ${actual.length}`];
    }
    return items.flatMap((item, i) => jsonDifferences(item, actual[i], `${at}[${i}]`));
  }
  if (shown !== null && typeof shown === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return [`${at}: shown an object, answered ${JSON.stringify(actual)}`];
    const record = actual as Record<string, unknown>;
    // `"…": "…"` among the members: the answer has others, not shown.
    const open = ANY in shown;
    const missing = open
      ? []
      : Object.keys(record)
          .filter((key) => !(key in shown))
          .map((key) => `${at}.${key}: answered but not shown`);
    const members = Object.entries(shown).filter(([key]) => key !== ANY);
    return [...missing, ...members.flatMap(([key, value]) => jsonDifferences(value, record[key], `${at}.${key}`))];
  }
  return Object.is(shown, actual) ? [] : [`${at}: shown ${JSON.stringify(shown)}, answered ${JSON.stringify(actual)}`];
}

/** Where an answer differs from what an example shows; none when it matches. */
export function answerDifferences(shown: ShownAnswer, actual: { status: number; headers: Headers; body: string }): string[] {
  const differences: string[] = [];
  if (shown.status !== undefined && shown.status !== actual.status)
    differences.push(`status: shown ${shown.status}, answered ${actual.status}`);
  for (const [name, value] of shown.headers) {
    const answered = actual.headers.get(name);
    if (answered === null || !globMatches(value, answered)) differences.push(`${name}: shown ${value}, answered ${answered}`);
  }
  const shownBody = shown.body.trim();
  const body = actual.body.replace(/\r\n/g, "\n").trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(shownBody);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined && shownBody !== "") {
    let answered: unknown;
    try {
      answered = JSON.parse(body);
    } catch {
      return [...differences, `body: shown JSON, answered ${body.slice(0, 200)}`];
    }
    return [...differences, ...jsonDifferences(parsed, answered)];
  }
  // Text (CSV, SVG): line by line; a last shown line `…` lets the answer go on.
  const shownLines = shownBody === "" ? [] : shownBody.split("\n");
  const lines = body === "" ? [] : body.split("\n");
  const open = shownLines.at(-1) === ANY;
  const expected = open ? shownLines.slice(0, -1) : shownLines;
  if (open ? lines.length < expected.length : lines.length !== expected.length) {
    differences.push(`body: shown ${expected.length}${open ? " or more" : ""} lines, answered ${lines.length}: ${body.slice(0, 300)}`);
    return differences;
  }
  expected.forEach((line, i) => {
    if (!globMatches(line, lines[i]!)) differences.push(`body line ${i + 1}: shown ${line}, answered ${lines[i]}`);
  });
  return differences;
}
