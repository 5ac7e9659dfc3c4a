/**
 * A local stand-in of the Cloudflare API for the deploy test: it answers only the calls the real
 * wrangler makes to deploy this project's two Workers and to read and write the KEYS namespace,
 * with Cloudflare's `{ success, errors, messages, result }` envelope and an account kept in
 * memory. It records every call (method, path, and the script uploads' metadata) so a test can
 * say what a deploy created. Anything else gets a 404 and is recorded as unanswered. It is a test
 * fixture, not a model of Cloudflare: shapes follow what wrangler reads, nothing more.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  path: string;
  /** A script upload's metadata part (bindings, secrets, migrations), parsed. */
  metadata?: UploadMetadata;
}

export interface UploadBinding {
  type: string;
  name: string;
  [field: string]: unknown;
}

export interface UploadMetadata {
  bindings: UploadBinding[];
  bindings_inherit?: string;
  migrations?: unknown;
  [field: string]: unknown;
}

interface Script {
  bindings: UploadBinding[];
  secrets: Map<string, string>;
  migrationTag?: string;
}

interface Consumer {
  consumer_id: string;
  type: string;
  script: string;
  settings: unknown;
  dead_letter_queue?: string;
}

interface Account {
  subdomain: string | null;
  scripts: Map<string, Script>;
  namespaces: Map<string, { title: string; values: Map<string, { value: string; metadata?: unknown }> }>;
  queues: Map<string, { id: string; consumers: Consumer[] }>;
}

export interface CloudflareStandIn {
  url: string;
  accountId: string;
  calls: RecordedCall[];
  unanswered: string[];
  account: Account;
  close(): Promise<void>;
}

type Handler = (match: RegExpExecArray, request: IncomingMessage, body: Buffer) => unknown | Promise<unknown>;

class ApiError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let ids = 0;
function newId(): string {
  ids += 1;
  return ids.toString(16).padStart(32, "0");
}

/** The parts of a multipart/form-data body, by name. */
function formParts(request: IncomingMessage, body: Buffer): Map<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(request.headers["content-type"] ?? "");
  const parts = new Map<string, string>();
  if (!boundary) return parts;
  for (const chunk of body.toString("latin1").split(`--${boundary[1] ?? boundary[2]}`)) {
    const name = /name="([^"]+)"/.exec(chunk);
    const start = chunk.indexOf("\r\n\r\n");
    if (name && start >= 0) parts.set(name[1]!, Buffer.from(chunk.slice(start + 4, -2), "latin1").toString("utf8"));
  }
  return parts;
}

export async function startCloudflareStandIn(options: { subdomain?: string | null } = {}): Promise<CloudflareStandIn> {
  const accountId = "0123456789abcdef0123456789abcdef";
  const account: Account = {
    subdomain: options.subdomain === undefined ? "acme" : options.subdomain,
    scripts: new Map(),
    namespaces: new Map(),
    queues: new Map(),
  };
  const calls: RecordedCall[] = [];
  const unanswered: string[] = [];

  const script = (name: string): Script => {
    const found = account.scripts.get(name);
    if (!found) throw new ApiError(404, 10007, "workers.api.error.script_not_found");
    return found;
  };

  const a = `/client/v4/accounts/${accountId}`;
  const routes: [string, RegExp, Handler][] = [];
  const route = (method: string, path: string, handler: Handler) => routes.push([method, new RegExp(`^${a}${path}$`), handler]);

  // Wrangler reads the last migration tag here to send only newer migrations.
  route("GET", "/workers/services/([^/]+)", (m) => {
    const { migrationTag } = script(m[1]!);
    return { default_environment: { environment: "production", script: { id: m[1], tag: m[1], migration_tag: migrationTag } } };
  });
  route("GET", "/workers/scripts/([^/]+)/secrets", (m) => [...script(m[1]!).secrets.keys()].map((name) => ({ name, type: "secret_text" })));
  route("GET", "/workers/subdomain", () => {
    if (account.subdomain === null) throw new ApiError(404, 10007, "workers.api.error.subdomain_not_found");
    return { subdomain: account.subdomain };
  });
  route("GET", "/workers/scripts/([^/]+)/deployments", (m) => {
    script(m[1]!);
    return { deployments: [{ id: "deployment", versions: [{ version_id: "version", percentage: 100 }] }] };
  });
  // Assets: every file is asked for (one bucket), then the upload completes the session.
  route("POST", "/workers/scripts/([^/]+)/assets-upload-session", (_m, _request, body) => {
    const manifest = (JSON.parse(body.toString()) as { manifest: Record<string, { hash: string }> }).manifest;
    return { jwt: "upload-session", buckets: [Object.values(manifest).map((file) => file.hash)] };
  });
  route("POST", "/workers/assets/upload", () => ({ jwt: "assets-complete" }));
  route("GET", "/workers/scripts/([^/]+)/settings", (m) => ({ bindings: script(m[1]!).bindings }));
  route("GET", "/storage/kv/namespaces", () => [...account.namespaces].map(([id, namespace]) => ({ id, title: namespace.title })));
  route("POST", "/storage/kv/namespaces", (_m, _request, body) => {
    const { title } = JSON.parse(body.toString()) as { title: string };
    const id = newId();
    account.namespaces.set(id, { title, values: new Map() });
    return { id, title };
  });
  route("GET", "/queues", (_m, request) => {
    const name = new URL(request.url ?? "/", "http://stand-in").searchParams.get("name");
    return [...account.queues]
      .filter(([queue]) => name === null || queue === name)
      .map(([queue_name, queue]) => ({ queue_id: queue.id, queue_name, consumers: queue.consumers, producers: [] }));
  });
  route("POST", "/queues", (_m, _request, body) => {
    const { queue_name } = JSON.parse(body.toString()) as { queue_name: string };
    if (account.queues.has(queue_name)) throw new ApiError(409, 11009, "queue name already taken");
    const queue = { id: newId(), consumers: [] };
    account.queues.set(queue_name, queue);
    return { queue_id: queue.id, queue_name };
  });
  /** A script or version upload: secrets kept by name, inherited bindings taken from the last upload. */
  const upload = (name: string, metadata: UploadMetadata, inheritStrict: boolean) => {
    const previous = account.scripts.get(name);
    const secrets = new Map(previous?.secrets);
    const bindings: UploadBinding[] = [];
    for (const binding of metadata.bindings) {
      const inherited = binding.type === "inherit" || (inheritStrict && binding.type === "kv_namespace" && !binding.namespace_id);
      if (binding.type === "secret_text") secrets.set(binding.name, String(binding.text));
      else if (!inherited) bindings.push(binding);
      else {
        const kept = previous?.bindings.find((old) => old.name === binding.name);
        if (!kept && !secrets.has(binding.name)) throw new ApiError(400, 10021, `inherit binding '${binding.name}' is invalid`);
        if (kept) bindings.push(kept);
      }
    }
    const migrationTag = (metadata.migrations as { new_tag?: string } | undefined)?.new_tag ?? previous?.migrationTag;
    account.scripts.set(name, { bindings, secrets, migrationTag });
    return { id: name, etag: "etag", startup_time_ms: 1, deployment_id: "deployment", has_modules: true };
  };
  const uploaded = (request: IncomingMessage, body: Buffer) =>
    JSON.parse(formParts(request, body).get("metadata") ?? "{}") as UploadMetadata;
  route("PUT", "/workers/scripts/([^/]+)", (m, request, body) => upload(m[1]!, uploaded(request, body), false));
  route("POST", "/workers/scripts/([^/]+)/versions", (m, request, body) => {
    script(m[1]!);
    const strict = new URL(request.url ?? "/", "http://stand-in").searchParams.get("bindings_inherit") === "strict";
    upload(m[1]!, uploaded(request, body), strict);
    return {
      id: "version",
      number: 2,
      startup_time_ms: 1,
      resources: { script: { etag: "etag", handlers: ["fetch"] }, script_runtime: {} },
    };
  });
  route("POST", "/workers/scripts/([^/]+)/deployments", (m) => (script(m[1]!), { id: "deployment" }));
  const namespace = (id: string) => {
    const found = account.namespaces.get(id);
    if (!found) throw new ApiError(404, 10013, "namespace not found");
    return found;
  };
  route("GET", "/storage/kv/namespaces/([^/]+)/keys", (m, request) => {
    const prefix = new URL(request.url ?? "/", "http://stand-in").searchParams.get("prefix") ?? "";
    return [...namespace(m[1]!).values]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, entry]) => ({ name, ...(entry.metadata === undefined ? {} : { metadata: entry.metadata }) }));
  });
  route("PUT", "/storage/kv/namespaces/([^/]+)/values/([^/]+)", (m, request, body) => {
    const parts = formParts(request, body);
    const metadata = parts.get("metadata");
    namespace(m[1]!).values.set(decodeURIComponent(m[2]!), {
      value: parts.get("value") ?? body.toString(),
      metadata: metadata === undefined ? undefined : JSON.parse(metadata),
    });
    return {};
  });
  route("PATCH", "/workers/scripts/([^/]+)/script-settings", (m, _request, body) => (script(m[1]!), JSON.parse(body.toString())));
  route("GET", "/workers/workers/([^/]+)", (m) => (script(m[1]!), { name: m[1], subdomain: { enabled: false, previews_enabled: false } }));
  route("GET", "/workers/scripts/([^/]+)/subdomain", (m) => (script(m[1]!), { enabled: true, previews_enabled: false }));
  route("POST", "/workers/scripts/([^/]+)/subdomain", (m, _request, body) => (script(m[1]!), JSON.parse(body.toString())));
  route("PUT", "/workers/scripts/([^/]+)/schedules", (m, _request, body) => (script(m[1]!), { schedules: JSON.parse(body.toString()) }));
  const queueById = (id: string) => {
    const queue = [...account.queues.values()].find((candidate) => candidate.id === id);
    if (!queue) throw new ApiError(404, 11000, "queue not found");
    return queue;
  };
  type ConsumerBody = { type: string; script_name: string; settings: unknown; dead_letter_queue?: string };
  route("POST", "/queues/([^/]+)/consumers", (m, _request, body) => {
    const { type, script_name, settings, dead_letter_queue } = JSON.parse(body.toString()) as ConsumerBody;
    const consumer = { consumer_id: newId(), type, script: script_name, settings, dead_letter_queue };
    queueById(m[1]!).consumers.push(consumer);
    return consumer;
  });
  route("PUT", "/queues/([^/]+)/consumers/([^/]+)", (m, _request, body) => {
    const consumer = queueById(m[1]!).consumers.find((candidate) => candidate.consumer_id === m[2]);
    if (!consumer) throw new ApiError(404, 11000, "consumer not found");
    const { settings, dead_letter_queue } = JSON.parse(body.toString()) as ConsumerBody;
    return Object.assign(consumer, { settings, dead_letter_queue });
  });

  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? "/", "http://stand-in");
    const call: RecordedCall = { method: request.method ?? "GET", path: url.pathname };
    calls.push(call);
    const send = (status: number, envelope: object) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(envelope));
    };
    for (const [method, pattern, handler] of routes) {
      const match = method === call.method ? pattern.exec(url.pathname) : null;
      if (!match) continue;
      try {
        if (formParts(request, body).has("metadata") && /\/workers\/scripts\/[^/]+(\/versions)?$/.test(call.path)) {
          call.metadata = uploaded(request, body);
        }
        const result = await handler(match, request, body);
        send(200, { success: true, errors: [], messages: [], result: result ?? null });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        send(error.status, { success: false, errors: [{ code: error.code, message: error.message }], messages: [], result: null });
      }
      return;
    }
    unanswered.push(`${call.method} ${url.pathname}${url.search}`);
    send(404, {
      success: false,
      errors: [{ code: 7003, message: `stand-in: no route for ${call.method} ${url.pathname}` }],
      messages: [],
      result: null,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    accountId,
    calls,
    unanswered,
    account,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
