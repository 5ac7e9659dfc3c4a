import { describe, expect, it } from "vitest";
import { dropInPath, makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import type { Fault } from "../../tools/emulator/emulator.ts";

const CLIENT_TOKEN = "client-supplied-Kp4w";

async function transcript(response: Response): Promise<string> {
  return `${response.status}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${await response.text()}`;
}

describe("the upstream token", () => {
  it("never appears in any response, header, log line or cache key", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "50" } });
    const token = String(gateway.env.JUSTONEAPI_TOKEN);
    const kolId = uniqueKol();
    const faults: Fault[] = [
      { kind: "code", code: 100 },
      { kind: "code", code: 400 },
      { kind: "http", status: 500, body: `error for ${token}`, times: 3 },
      { kind: "malformed" },
      { kind: "network", times: 3 },
      { kind: "slow", delayMs: 300 },
    ];
    const outputs: string[] = [];
    for (const fault of faults) {
      gateway.emulator.queueFaults(fault);
      outputs.push(await transcript(await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-02"))));
    }
    const paths = [
      trendPath(kolId, "2026-03-01", "2026-03-05"),
      dropInPath(kolId, "2026-03-01", "2026-03-05", `&token=${CLIENT_TOKEN}`),
      dropInPath("1%26token%3Dx", "2026-03-01", "2026-03-05"),
      `/v1/kols/1%26token%3Dx/daily-fans?startDate=2026-03-01&endDate=2026-03-05`,
      `/v1/kols/${kolId}/daily-fans?startDate=2026-03-01&endDate=2026-03-05&token=x`,
      `/v1/kols/${kolId}/daily-fans?startDate=2026-03-01%26token%3Dx&endDate=2026-03-05`,
      "/healthz",
      "/nope",
    ];
    for (const path of paths) outputs.push(await transcript(await gateway.request(path)));
    const otherAnswers = [
      gateway.request(paths[0]!, { as: null }),
      gateway.request(paths[0]!, { as: "xte_wrong" }),
      gateway.request(paths[0]!, { method: "DELETE" }),
      gateway.request(paths[0]!, { method: "OPTIONS", headers: { Origin: "https://a.example", "Access-Control-Request-Method": "GET" } }),
      gateway.request(`${paths[0]!}&pad=${"x".repeat(3000)}`),
    ];
    for (const answer of otherAnswers) outputs.push(await transcript(await answer));
    outputs.push(JSON.stringify(gateway.logs));
    outputs.push(JSON.stringify((await gateway.env.CACHE.list()).keys));

    expect(outputs.join("\n")).not.toContain(token);
    // The scan must have seen the upstream answer bodies and the logs to mean anything.
    expect(outputs.length).toBe(faults.length + paths.length + otherAnswers.length + 2);
    expect(gateway.logs.length).toBe(faults.length + paths.length + otherAnswers.length);
  });

  it("is masked wherever the upstream's own text carries it: message and requestId, in answers, headers and logs", async () => {
    const gateway = makeGateway();
    const token = String(gateway.env.JUSTONEAPI_TOKEN);
    const outputs: string[] = [];
    for (const code of [0, 500, 303]) {
      gateway.emulator.queueFaults({ kind: "echo-token", code });
      const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02"));
      // The maker's request id is kept for its support, with the token masked.
      expect(response.headers.get("Xingtu-Upstream-Request-Id")).toBe("emu-***");
      outputs.push(await transcript(response));
    }
    outputs.push(JSON.stringify(gateway.logs));
    expect(gateway.logs.some((line) => JSON.stringify(line).includes("answered for token=***"))).toBe(true);
    expect(outputs.join("\n")).not.toContain(token);
  });

  it("is never sent twice, and injection attempts never reach the upstream as parameters", async () => {
    const gateway = makeGateway();
    const responses = await Promise.all([
      gateway.request(dropInPath("1%26token%3Dx", "2026-03-01", "2026-03-05")),
      gateway.request(dropInPath(`${uniqueKol()}&token=x&kolId=2`, "2026-03-01", "2026-03-05")),
    ]);
    expect(responses.map((r) => r.status)).toEqual([400, 400]);
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("keeps the client's own token parameter out of logs", async () => {
    const gateway = makeGateway();
    await gateway.request(dropInPath(uniqueKol(), "2026-03-01", "2026-03-05", `&token=${CLIENT_TOKEN}`));
    expect(JSON.stringify(gateway.logs)).not.toContain(CLIENT_TOKEN);
  });
});
