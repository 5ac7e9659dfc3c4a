import { describe, expect, it } from "vitest";
import { maskCredentials } from "../../tools/local/mask.ts";

describe("the local run's log masking", () => {
  it("masks token and key parameters wherever they are in a URL", () => {
    expect(maskCredentials("GET /api/x/v1?token=secret-1&kolId=2 200 OK")).toBe("GET /api/x/v1?token=***&kolId=2 200 OK");
    expect(maskCredentials("GET /v1/kols/1/daily-fans.svg?startDate=a&key=xte_abc 200")).toBe(
      "GET /v1/kols/1/daily-fans.svg?startDate=a&key=*** 200",
    );
  });

  it("shows a share link's id and masks the rest of its token, in any form", () => {
    const token = "uleRzFjaCunAjBbVeu_kjemAAAAAAAAAAAAAAAAAAAAAAAAAAA66";
    expect(maskCredentials(`GET /s/${token.slice(0, 48)}.csv?lang=zh-CN 200 OK`)).toBe("GET /s/uleRzFjaCunAjBbV….csv?lang=zh-CN 200 OK");
    expect(maskCredentials(`GET /s/${token.slice(0, 48)} 200 OK`)).toBe("GET /s/uleRzFjaCunAjBbV… 200 OK");
  });

  it("leaves other parameters alone", () => {
    expect(maskCredentials("GET /v1/kols/1/daily-fans?startDate=2026-03-01&monkey=1")).toBe(
      "GET /v1/kols/1/daily-fans?startDate=2026-03-01&monkey=1",
    );
  });
});
