import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { putValue } from "../../tools/cli/kv.ts";
import { BREAKER_KEY } from "../../src/lookup/spend-guard.ts";

const storage = mkdtempSync(join(tmpdir(), "xingtu-guard-"));
afterAll(() => rmSync(storage, { recursive: true, force: true }));

const guard = (command: string) =>
  execFileSync(process.execPath, ["tools/cli/guard.ts", command, "--persist-to", storage], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

describe("npm run guard", () => {
  it("reports an open breaker with its reason, then clears it", () => {
    const until = Date.now() + 3_600_000;
    putValue(
      { binding: "CACHE", remote: false, persistTo: storage },
      BREAKER_KEY,
      JSON.stringify({ reason: "the upstream answered 303, daily quota exceeded", openedAt: Date.now(), until }),
      {},
    );
    expect(guard("status")).toContain(
      `stopped in local storage: the upstream answered 303, daily quota exceeded, until ${new Date(until).toISOString()}`,
    );
    expect(guard("clear")).toContain("Cleared the spend guard");
    expect(guard("status")).toContain("Upstream calls are allowed");
  });
});
