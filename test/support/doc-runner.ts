/**
 * Runs one doc page's request examples (docs/testing.md, "Examples that run"), in the order
 * written, against a test gateway set up as the local run is (`npm start`: its key
 * `local-dev-key`, local callbacks on port 9090, the MCP Worker, the emulator as the upstream), and
 * compares each answer with the one shown, ids and timestamps aside where the example writes `…`.
 * Each page has a test file of its own (test/integration/docs/), so it starts from empty storage
 * (isolated per file), as a newcomer's first run does.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newKeyRecord, recordWrites } from "../../src/auth/keys.ts";
import { serveMcp } from "../../src/mcp/worker.ts";
import { makeGateway } from "./gateway.ts";
import {
  answerDifferences,
  curlRequest,
  examplesOf,
  fencedBlocks,
  localPath,
  runnable,
  shownAnswer,
  type Example,
} from "./doc-examples.ts";

declare global {
  interface ImportMeta {
    glob<T>(patterns: string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
  }
}

/** README.md and every page of docs/, by path from the project's root. */
export const DOC_FILES: ReadonlyMap<string, string> = new Map(
  Object.entries(import.meta.glob<string>(["../../README.md", "../../docs/*.md"], { query: "?raw", import: "default", eager: true })).map(
    ([path, text]) => [path.replace(/^\.\.\/\.\.\//, ""), text] as const,
  ),
);

/** Set to print every answer (`DOCANSWER {...}` lines) while writing a page. */
const PRINT_ANSWERS = false;

/** The local run's key, as `npm start` seeds it (tools/local/start.ts). */
const LOCAL_KEY = "local-dev-key";

async function seedLocalKey(): Promise<void> {
  const record = await newKeyRecord(LOCAL_KEY, { name: "local-dev", tier: "bulk", permissions: ["refresh", "operate"] }, new Date());
  for (const write of recordWrites(record)) await env.KEYS.put(write.name, write.value, { metadata: write.metadata });
}

/** The local run's settings that answers show (tools/local/start.ts); deliveries are queued, not sent. */
const LOCAL_RUN = {
  ALLOW_LOCAL_CALLBACKS: "true",
  CALLBACK_PORTS: "9090",
  CALLBACK_HOSTS: "",
  // The test runtime's standard tier allows 10 requests a minute (vitest.config.ts); the local run's, 60.
  RATE_LIMIT_STANDARD_GRANT: "100",
  DELIVERIES: { send: async () => undefined },
  // `npm start` runs the MCP Worker beside the gateway.
  MCP: { serve: serveMcp },
  // The configuration's own default, as the local run has it (test gateways otherwise ask for exact days).
  UPSTREAM_FETCH_DAYS: undefined,
};

async function run(gateway: ReturnType<typeof makeGateway>, example: Example): Promise<string[]> {
  const request = curlRequest(example.argv);
  const local = localPath(request.url);
  if (local === null) return [`${example.where}: a runnable example calls the local run (http://127.0.0.1:8787), not ${request.url}`];
  const init = { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) };
  // The local run's emulator (its switches, docs/testing.md) is this gateway's upstream.
  const response = local.emulator
    ? await gateway.emulator.fetch(new Request(`https://api.justoneapi.com${local.path}`, init))
    : await gateway.request(local.path, { ...init, as: null });
  const answer = { status: response.status, headers: response.headers, body: await response.text() };
  if (PRINT_ANSWERS) {
    console.log(
      `DOCANSWER ${JSON.stringify({ where: example.where, status: answer.status, headers: [...answer.headers], body: answer.body })}`,
    );
  }
  let differences: string[];
  try {
    differences = answerDifferences(shownAnswer(example.shown, request.include), answer);
  } catch (error) {
    differences = [String(error)];
  }
  if (differences.length === 0) return [];
  // The whole answer too, so whoever fixes the page sees what to show.
  const headers = [...answer.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  return [
    ...differences.map((difference) => `${example.where}: ${difference}`),
    `${example.where}: answered HTTP ${answer.status}\n${headers}\n\n${answer.body.slice(0, 4000)}`,
  ];
}

/** The page's runnable examples, as the runner reads them. */
export function examplesIn(file: string): Example[] {
  const text = DOC_FILES.get(file);
  if (text === undefined) throw new Error(`no such doc: ${file}`);
  return fencedBlocks(text)
    .filter(runnable)
    .flatMap((block) => examplesOf(file, block));
}

/** The test of one page: its examples answer as it shows. */
export function docPage(file: string): void {
  describe(`${file}'s examples`, () => {
    it("answer as the page shows, in the order written", async () => {
      const examples = examplesIn(file);
      expect(examples.length).toBeGreaterThan(0);
      await seedLocalKey();
      const gateway = makeGateway({ env: LOCAL_RUN });
      const differences: string[] = [];
      for (const example of examples) differences.push(...(await run(gateway, example)));
      expect(differences).toEqual([]);
    });
  });
}
