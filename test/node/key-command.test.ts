import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle, GATEWAY_ORIGIN, startRuntime, type Bundle } from "../bench/runtime.ts";

const storage = mkdtempSync(join(tmpdir(), "xingtu-keys-"));

function keyCommand(...args: string[]): string {
  return execFileSync(process.execPath, ["tools/cli/key.ts", ...args, "--persist-to", storage], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

let bundles: { gateway: Bundle; emulator: Bundle };

async function statusWith(key: string): Promise<number> {
  const mf = await startRuntime({ ...bundles, emulatorLatencyMs: 0, persistTo: storage });
  try {
    const response = await mf.dispatchFetch(`${GATEWAY_ORIGIN}/v1/kols/42/daily-fans?startDate=2026-03-01&endDate=2026-03-02`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    await response.arrayBuffer();
    return response.status;
  } finally {
    await mf.dispose();
  }
}

afterAll(() => rmSync(storage, { recursive: true, force: true }));

beforeAll(() => {
  bundles = { gateway: buildBundle("gateway", "wrangler.toml"), emulator: buildBundle("emulator", "tools/emulator/wrangler.toml") };
});

describe("npm run key", () => {
  // Every test makes its own key under a name of its own, so none depends on another having run.
  let made = 0;
  const create = (...args: string[]) => {
    const name = `key-${++made}-${process.pid}`;
    const output = keyCommand("create", "--name", name, ...args);
    return { name, output, key: /\b(xte_[A-Za-z0-9_-]{43})\b/.exec(output)?.[1] ?? "" };
  };

  it("creates a key, printing it once", () => {
    const { name, output, key } = create("--tier", "bulk", "--refresh");
    expect(key).not.toBe("");
    expect(output).toContain(`"${name}" (bulk tier, may force refreshes, daily upstream calls: the gateway's default)`);
  });

  it("lists keys by name and tier, never the key or its hash", () => {
    const { name, key } = create("--tier", "bulk", "--refresh");
    const output = keyCommand("list");
    expect(output).toMatch(new RegExp(`${name}.*bulk.*refresh.*active`));
    expect(output).not.toContain(key);
    expect(output).not.toMatch(/[0-9a-f]{64}/);
  });

  it("creates a key with a daily limit of upstream calls, and gives it back the gateway's default", () => {
    expect(keyCommand("create", "--name", "capped", "--daily-upstream-calls", "500")).toContain(
      '"capped" (standard tier, 500 upstream calls a day)',
    );
    expect(keyCommand("list")).toMatch(/capped.*500.*active/);
    expect(keyCommand("limit", "capped", "--daily-upstream-calls", "0")).toContain(
      '"capped" now has the gateway\'s default daily limit (KEY_DAILY_UPSTREAM_CALLS)',
    );
    expect(keyCommand("list")).toMatch(/capped.*default.*active/);
  });

  it("refuses a second key with the same name", () => {
    const { name } = create();
    const result = spawnSync(process.execPath, ["tools/cli/key.ts", "create", "--name", name, "--persist-to", storage], {
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("already exists");
  });

  it("refuses, with words and never a stack trace, a --url that would send the key in the clear or inside it, and words it does not take", () => {
    const refusal = (...args: string[]) => {
      const result = spawnSync(process.execPath, ["tools/cli/key.ts", ...args], {
        encoding: "utf8",
        env: { ...process.env, XINGTU_KEY: "xte_not-a-real-key" },
      });
      expect(result.status).toBe(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout + result.stderr).not.toContain("xte_not-a-real-key");
      return result.stderr.split("\n")[0];
    };
    expect(refusal("list", "--url", "http://example.com")).toBe(
      "--url must be https (plain http only to this machine): the operator's key goes with every request",
    );
    expect(refusal("list", "--url", "https://xte_not-a-real-key@example.com")).toBe(
      "--url must not hold a name or password: give the key with --key or XINGTU_KEY",
    );
    expect(refusal("revoke", "bob", "extra")).toBe("unexpected argument(s): extra");
    expect(refusal("list", "--bogus")).toMatch(/^Unknown option '--bogus'/);
  });

  it("writes a key the gateway accepts, and revokes it so the gateway refuses it", async () => {
    const { name, key } = create("--tier", "bulk");
    expect(await statusWith(key)).toBe(200);
    expect(keyCommand("revoke", name)).toContain(`Revoked key "${name}"`);
    expect(keyCommand("list")).toMatch(new RegExp(`${name}.*revoked`));
    expect(await statusWith(key)).toBe(401);
  });

  it("rotates a key's webhook secret: both valid while rotating, only the new one after --finish", () => {
    const { name } = create();
    const secrets = () => [...keyCommand("secret", name).matchAll(/whsec_[A-Za-z0-9+/=]+/g)].map((match) => match[0]);
    const [first] = secrets();
    expect(secrets()).toEqual([first]);
    expect(keyCommand("rotate-secret", name)).toContain("both secrets are valid");
    const [next, previous] = secrets();
    expect(previous).toBe(first);
    expect(next).not.toBe(first);
    keyCommand("rotate-secret", name, "--finish");
    expect(secrets()).toEqual([next]);
  });
});
