/**
 * `npm run deploy`, the real command with the real wrangler, against a local stand-in of the
 * Cloudflare API (./cloudflare-api.ts: a fixture that answers only what wrangler needs, in memory,
 * recording every call). One account goes through a first deploy, a redeploy and a staging deploy.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloudflareStandIn, type CloudflareStandIn, type RecordedCall, type UploadBinding } from "./cloudflare-api.ts";

const UPSTREAM_TOKEN = "jo-deploy-test-token-7f3a";

interface Deploy {
  code: number | null;
  output: string;
  calls: RecordedCall[];
}

function deploy(api: CloudflareStandIn, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Deploy> {
  const before = api.calls.length;
  const child = spawn("npm", ["run", "--silent", "deploy", "--", ...args], {
    env: {
      ...process.env,
      CLOUDFLARE_API_BASE_URL: api.url,
      CLOUDFLARE_API_TOKEN: "cloudflare-stand-in-token",
      CLOUDFLARE_ACCOUNT_ID: api.accountId,
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
      WORKERS_CI: undefined,
      JUSTONEAPI_TOKEN: UPSTREAM_TOKEN,
      ...env,
    },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output, calls: api.calls.slice(before) })));
}

const creations = (run: Deploy) =>
  run.calls
    .filter((call) => call.method === "POST" && /\/(storage\/kv\/namespaces|queues)$/.test(call.path))
    .map((call) => call.path.split("/").pop());
const uploads = (run: Deploy) => run.calls.filter((call) => call.metadata).map((call) => ({ path: call.path, metadata: call.metadata! }));
const binding = (bindings: UploadBinding[], name: string) => bindings.find((candidate) => candidate.name === name);
const printedKey = (run: Deploy) => /\n {2}(xte_[\w-]+)\n/.exec(run.output)?.[1];
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("npm run deploy without the upstream token", () => {
  it("stops with one sentence before any call to Cloudflare", async () => {
    const api = await startCloudflareStandIn();
    const run = await deploy(api, [], { JUSTONEAPI_TOKEN: undefined });
    await api.close();
    expect(run.code).toBe(1);
    expect(run.output).toContain("JUSTONEAPI_TOKEN is not set: run `JUSTONEAPI_TOKEN=<your Just One API token> npm run deploy`");
    expect(api.calls).toEqual([]);
  });
});

describe("npm run deploy on an account without a workers.dev subdomain", () => {
  it("stops with one sentence saying where to pick one, before uploading the gateway", async () => {
    const api = await startCloudflareStandIn({ subdomain: null });
    const run = await deploy(api);
    await api.close();
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /Your Cloudflare account has no workers\.dev subdomain yet: pick one at https:\/\/dash\.cloudflare\.com\/\w+\/workers\/onboarding, then run `npm run deploy` again\./,
    );
    expect(uploads(run).map((upload) => upload.path.split("/").pop())).toEqual(["xingtu-edge-mcp"]);
  });
});

describe("npm run deploy on an empty account, then again, then --env staging", () => {
  let api: CloudflareStandIn;
  let first: Deploy;
  let second: Deploy;
  let staging: Deploy;
  const configs = ["wrangler.toml", "src/mcp/wrangler.toml"];
  const configsBefore = configs.map((path) => readFileSync(path, "utf8"));

  beforeAll(async () => {
    api = await startCloudflareStandIn();
    first = await deploy(api);
    second = await deploy(api);
    staging = await deploy(api, ["--env", "staging"]);
  }, 240_000);
  afterAll(() => api.close());

  it("succeeds each time and asks nothing the stand-in cannot answer", () => {
    expect([first.code, second.code, staging.code]).toEqual([0, 0, 0]);
    expect(api.unanswered).toEqual([]);
  });

  it("prints the spending bounds the gateway runs under, and how to lift them", () => {
    expect(first.output).toContain("UPSTREAM_DAILY_BUDGET = 2000");
    expect(first.output).toContain("KEY_DAILY_UPSTREAM_CALLS = 300");
    expect(first.output).toContain("npm run key -- limit NAME --daily-upstream-calls N --remote");
  });

  it("leaves wrangler.toml as it was: no id written back", () => {
    expect(configs.map((path) => readFileSync(path, "utf8"))).toEqual(configsBefore);
  });

  it("creates the two KV namespaces and both queues (the dead-letter queue too) on the first deploy", () => {
    expect(creations(first).sort()).toEqual(["namespaces", "namespaces", "queues", "queues"]);
    expect([...api.account.queues.keys()]).toEqual(expect.arrayContaining(["xingtu-edge-deliveries", "xingtu-edge-deliveries-dlq"]));
    const consumer = api.account.queues.get("xingtu-edge-deliveries")!.consumers;
    expect(consumer).toMatchObject([{ script: "xingtu-edge", dead_letter_queue: "xingtu-edge-deliveries-dlq" }]);
  });

  it("uploads the MCP Worker first, then the gateway with every binding, real ids, migrations and both secrets", () => {
    const [mcp, gateway] = uploads(first);
    expect(mcp!.path).toMatch(/\/scripts\/xingtu-edge-mcp$/);
    expect(mcp!.metadata.bindings).toEqual([]);
    expect(gateway!.path).toMatch(/\/scripts\/xingtu-edge$/);
    const bindings = gateway!.metadata.bindings;
    const namespaceIds = [...api.account.namespaces.keys()];
    expect(namespaceIds).toContain(binding(bindings, "CACHE")?.namespace_id);
    expect(namespaceIds).toContain(binding(bindings, "KEYS")?.namespace_id);
    expect(binding(bindings, "DELIVERIES")).toMatchObject({ type: "queue", queue_name: "xingtu-edge-deliveries" });
    expect(binding(bindings, "DELIVERIES_DLQ")).toMatchObject({ type: "queue", queue_name: "xingtu-edge-deliveries-dlq" });
    expect(binding(bindings, "MCP")).toMatchObject({ type: "service", service: "xingtu-edge-mcp" });
    expect(binding(bindings, "USAGE")).toMatchObject({ type: "analytics_engine" });
    expect(binding(bindings, "RATE_LIMIT_STANDARD")).toMatchObject({ type: "ratelimit" });
    for (const name of ["KEY_LEDGER", "DELIVERY_BOOK", "KOL_COORDINATOR", "ACCOUNT_LEDGER", "ROSTER_BOOK"]) {
      expect(binding(bindings, name)).toMatchObject({ type: "durable_object_namespace" });
    }
    expect(gateway!.metadata.migrations).toMatchObject({ new_tag: "v4" });
    expect(binding(bindings, "JUSTONEAPI_TOKEN")).toEqual({ type: "secret_text", name: "JUSTONEAPI_TOKEN", text: UPSTREAM_TOKEN });
    expect(String(binding(bindings, "WEBHOOK_SIGNING_SECRET")?.text)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("creates the first client key in the deployed KEYS namespace and prints it once", () => {
    const key = printedKey(first)!;
    expect(key).toBeDefined();
    expect(first.output.split(key)).toHaveLength(2);
    const keysId = binding(uploads(first)[1]!.metadata.bindings, "KEYS")!.namespace_id as string;
    const record = api.account.namespaces.get(keysId)!.values.get(`key:${sha256(key)}`);
    expect(record?.metadata).toMatchObject({ name: "owner", permissions: ["refresh", "operate"] });
  });

  it("never prints the upstream token or the generated signing secret", () => {
    const signing = api.account.scripts.get("xingtu-edge")!.secrets.get("WEBHOOK_SIGNING_SECRET")!;
    for (const run of [first, second, staging]) {
      expect(run.output).not.toContain(UPSTREAM_TOKEN);
      expect(run.output).not.toContain(signing);
    }
  });

  it("redeploys code only: creates nothing, inherits the bindings, keeps the signing secret, makes no key", () => {
    expect(creations(second)).toEqual([]);
    const [mcp, gateway] = uploads(second);
    expect(mcp!.path).toMatch(/\/scripts\/xingtu-edge-mcp\/versions$/);
    expect(gateway!.path).toMatch(/\/scripts\/xingtu-edge\/versions$/);
    const bindings = gateway!.metadata.bindings;
    expect(binding(bindings, "CACHE")).not.toHaveProperty("namespace_id");
    expect(binding(bindings, "WEBHOOK_SIGNING_SECRET")).toEqual({ type: "inherit", name: "WEBHOOK_SIGNING_SECRET" });
    expect(api.account.scripts.get("xingtu-edge")!.secrets.get("WEBHOOK_SIGNING_SECRET")).toBe(
      binding(uploads(first)[1]!.metadata.bindings, "WEBHOOK_SIGNING_SECRET")!.text,
    );
    expect(printedKey(second)).toBeUndefined();
    expect(second.output).toContain("Client keys already exist");
  });

  it("deploys staging beside production with its own Workers, namespaces, queues, secrets and key", () => {
    expect(creations(staging).sort()).toEqual(["namespaces", "namespaces", "queues", "queues"]);
    expect(uploads(staging).map((upload) => upload.path.split("/").pop())).toEqual(["xingtu-edge-mcp-staging", "xingtu-edge-staging"]);
    const bindings = uploads(staging)[1]!.metadata.bindings;
    const production = uploads(first)[1]!.metadata.bindings;
    expect(binding(bindings, "KEYS")!.namespace_id).not.toBe(binding(production, "KEYS")!.namespace_id);
    expect(binding(bindings, "DELIVERIES")).toMatchObject({ queue_name: "xingtu-edge-staging-deliveries" });
    expect(binding(bindings, "MCP")).toMatchObject({ service: "xingtu-edge-mcp-staging" });
    expect(binding(bindings, "WEBHOOK_SIGNING_SECRET")!.text).not.toBe(binding(production, "WEBHOOK_SIGNING_SECRET")!.text);
    expect(printedKey(staging)).toBeDefined();
  });
});
