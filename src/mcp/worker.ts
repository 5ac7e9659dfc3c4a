/**
 * @module The MCP Worker (`xingtu-edge-mcp`): a remote MCP server, stateless Streamable HTTP with
 * JSON answers. It is a Worker of its own because the MCP SDK alone outweighs the data path's whole
 * bundle: the data routes never load it. The gateway's `/mcp` calls `serve` through its MCP
 * service binding (RPC) and hands over a callback into its own routes; this Worker has no binding
 * back, so the two deploy in order (this one first) with no cycle for Cloudflare to refuse.
 *
 * Every request must carry a client key (`Authorization: Bearer`); it is checked by the gateway
 * (`GET /v1/key`) before anything else, so MCP clients get the gateway's own 401, 429 and 503.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { createMcpServer, type GatewayCall } from "./server.ts";
import { ProblemError, problemResponse } from "../problem.ts";
import { MCP_PATH } from "./path.ts";

/** The gateway's own routes, called in the gateway's isolate for this request (an RPC callback). */
export type GatewayFetch = (request: Request) => Promise<Response>;

function problem(request: Request, error: ProblemError): Response {
  return problemResponse(error, {
    requestId: crypto.randomUUID(),
    instance: new URL(request.url).pathname.slice(0, 200),
    upstreamStyle: false,
  });
}

/** The gateway's refusal of the caller (401, 429, 503), as this route's: same status, headers and
 * problem, with `instance` naming /mcp rather than the route asked on the caller's behalf. */
async function asOwnProblem(refusal: Response): Promise<Response> {
  const problem = (await refusal.json().catch(() => null)) as Record<string, unknown> | null;
  const body = problem ? JSON.stringify({ ...problem, instance: MCP_PATH }) : null;
  const headers = new Headers(refusal.headers);
  headers.delete("Content-Length");
  return new Response(body, { status: refusal.status, headers });
}

export async function serveMcp(request: Request, gateway: GatewayFetch): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname !== MCP_PATH) return problem(request, new ProblemError("not-found", { detail: `The MCP server is at ${MCP_PATH}.` }));
  // Stateless: no session to stream to (GET) or to end (DELETE).
  if (request.method !== "POST") {
    return problem(
      request,
      new ProblemError("method-not-allowed", { detail: "The MCP server is stateless: POST JSON-RPC messages.", allow: "POST" }),
    );
  }
  const forwarded = new Headers();
  for (const name of ["Authorization", "CF-Connecting-IP", "X-Request-Id"]) {
    const value = request.headers.get(name);
    if (value !== null) forwarded.set(name, value);
  }
  const call: GatewayCall = (path, { method = "GET", body } = {}) => {
    const headers = new Headers(forwarded);
    if (body !== undefined) headers.set("Content-Type", "application/json");
    const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    return gateway(new Request(new URL(path, url.origin), init));
  };
  const caller = await call("/v1/key");
  if (!caller.ok) return asOwnProblem(caller);
  await caller.body?.cancel();

  const server = createMcpServer(call);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  return transport.handleRequest(request);
}

export default class McpWorker extends WorkerEntrypoint {
  serve(request: Request, gateway: GatewayFetch): Promise<Response> {
    return serveMcp(request, gateway);
  }

  /** Nothing is served directly: MCP clients use the gateway's /mcp. */
  override fetch(request: Request): Response {
    return problem(request, new ProblemError("not-found", { detail: `Use the gateway's ${MCP_PATH}.` }));
  }
}
