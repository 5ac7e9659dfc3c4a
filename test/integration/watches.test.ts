/**
 * Watches: a roster's rules and targets, the daily run that raises a digest once per day, and the
 * digest delivered to each kind of target (Standard Webhooks verified with its reference library;
 * the chat services' bodies and signatures are checked in test/unit/alert-formats.test.ts).
 */
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { createEmulator } from "../../tools/emulator/emulator.ts";
import { datesOf } from "../../src/calendar.ts";
import { signingSecrets } from "../../src/webhooks/signature.ts";
import type { Problem } from "../../src/problem.ts";
import type { WatchView } from "../../src/schemas/roster-answers.ts";

const MASTER = "test-webhook-master-secret-0123456789";
/** The gateway's clock is 2026-03-10 noon in Shanghai: the watch speaks of 2026-03-09. */
const YESTERDAY = "2026-03-09";

const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

/** The upstream: the emulator, except `spiking`, who gains 80,000 followers yesterday after a month of about 100 a day. */
function upstreamWith(spiking: string) {
  const emulator = createEmulator();
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const kolId = url.searchParams.get("oAuthorId") ?? url.searchParams.get("kolId");
    if (kolId !== spiking) return emulator.fetch(request);
    const dates = datesOf(url.searchParams.get("startDate")!, url.searchParams.get("endDate")!);
    let fans = 1_000_000;
    const deltas = dates.map((date, i) => (date === YESTERDAY ? 80_000 : 90 + (i % 5) * 5));
    const daily = dates.map((date, i) => ({ date, fans_cnt: String((fans += deltas[i]!)) }));
    return Response.json({
      code: 0,
      message: "success",
      data: { daily, delta: dates.map((date, i) => ({ date, fans_cnt: String(deltas[i]) })) },
    });
  };
}

const TARGETS = [
  { type: "webhook", url: "https://receiver.test/digest" },
  { type: "feishu", url: "https://open.feishu.cn/open-apis/bot/v2/hook/f1", secret: "feishu-secret" },
  { type: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=d1", secret: "SECding" },
  { type: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=w1" },
  { type: "slack", url: "https://hooks.slack.com/services/T0/B0/s1" },
];

function setup() {
  const spiking = uniqueKol();
  const sent: { body: unknown; delaySeconds?: number }[] = [];
  const received: { url: string; headers: Record<string, string>; body: string }[] = [];
  const gateway = makeGateway({
    fetch: upstreamWith(spiking),
    env: {
      WEBHOOK_SIGNING_SECRET: MASTER,
      CALLBACK_HOSTS: "receiver.test",
      DELIVERIES: { send: async (body: unknown, options?: { delaySeconds?: number }) => void sent.push({ body, ...options }) },
    },
    receiver: async (request) => {
      received.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
      const chat = new URL(request.url).hostname;
      if (chat === "oapi.dingtalk.com" || chat === "qyapi.weixin.qq.com") return Response.json({ errcode: 0, errmsg: "ok" });
      if (chat === "open.feishu.cn") return Response.json({ code: 0, msg: "success" });
      return new Response("ok");
    },
  });
  return { gateway, spiking, sent, received };
}

describe("a roster's watch", () => {
  it("is kept with the roster, and read back without its secrets or any address past its origin", async () => {
    const { gateway } = setup();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [uniqueKol()] }));
    const put = await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: TARGETS }));
    expect(put.status).toBe(201);
    const replaced = await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: TARGETS }));
    expect(replaced.status).toBe(200);
    const view = (await (await gateway.request("/v1/rosters/spring/watch")).json()) as WatchView;
    expect(view.rules).toEqual([{ kind: "anomaly" }]);
    expect(view.targets).toEqual([
      { type: "webhook", url: "https://receiver.test" },
      { type: "feishu", url: "https://open.feishu.cn", secret: "set" },
      { type: "dingtalk", url: "https://oapi.dingtalk.com", secret: "set" },
      { type: "wecom", url: "https://qyapi.weixin.qq.com" },
      { type: "slack", url: "https://hooks.slack.com" },
    ]);
    expect(JSON.stringify(view)).not.toMatch(/feishu-secret|SECding|access_token|key=w1|s1/);
    expect((await gateway.request("/v1/rosters/spring/watch", { method: "DELETE" })).status).toBe(204);
    for (const method of ["GET", "DELETE"]) {
      const gone = await gateway.request("/v1/rosters/spring/watch", { method });
      expect({ status: gone.status, type: ((await gone.json()) as { type: string }).type }).toEqual({
        status: 404,
        type: "/problems/watch-not-found",
      });
    }
    const noRoster = await gateway.request("/v1/rosters/nope/watch");
    expect(((await noRoster.json()) as { type: string }).type).toBe("/problems/roster-not-found");
  });

  it("never echoes a webhook's path or query, where many receivers keep their secret", async () => {
    const { gateway } = setup();
    await gateway.request("/v1/rosters/private", json("PUT", { kolIds: [uniqueKol()] }));
    const targets = [
      { type: "webhook", url: "https://receiver.test/hooks/path-secret-7f3a?token=query-secret-9c1d" },
      { type: "slack", url: "https://hooks.slack.com/services/T0/B0/slack-secret-2b8e" },
    ];
    const put = await gateway.request("/v1/rosters/private/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets }));
    const get = await gateway.request("/v1/rosters/private/watch");
    for (const response of [put, get]) {
      expect(response.status).toBe(put === response ? 201 : 200);
      const text = await response.text();
      expect(text).not.toMatch(/path-secret|query-secret|slack-secret|hooks\/|services|token/);
      expect((JSON.parse(text) as WatchView).targets).toEqual([
        { type: "webhook", url: "https://receiver.test" },
        { type: "slack", url: "https://hooks.slack.com" },
      ]);
    }
  });

  it("names every broken rule of a watch", async () => {
    const { gateway } = setup();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [uniqueKol()] }));
    const response = await gateway.request(
      "/v1/rosters/spring/watch",
      json("PUT", {
        rules: [{ kind: "change", days: 7 }],
        targets: [{ type: "slack", url: "https://evil.example/hook" }],
      }),
    );
    expect(response.status).toBe(400);
    const rules = ((await response.json()) as Problem).errors!.map((error) => `${error.field}:${error.rule}`);
    expect(rules).toEqual(expect.arrayContaining(["rules[0]:change_threshold", "targets[0].url:target_url"]));
    const webhook = await gateway.request(
      "/v1/rosters/spring/watch",
      json("PUT", { rules: [{ kind: "anomaly" }], targets: [{ type: "webhook", url: "https://elsewhere.example/x" }] }),
    );
    expect(((await webhook.json()) as Problem).errors).toEqual([
      expect.objectContaining({ field: "targets[0].url", rule: "callback_url" }),
    ]);
    const unknown = await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "spike" }], targets: [TARGETS[0]] }));
    expect(((await unknown.json()) as Problem).errors).toEqual([
      { field: "rules[0].kind", in: "body", rule: "invalid_union", message: "must be one of anomaly, change, below" },
    ]);
    const empty = await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [], targets: [TARGETS[0]] }));
    expect(((await empty.json()) as Problem).errors).toEqual([
      { field: "rules", in: "body", rule: "too_small", message: "must list at least one rule" },
    ]);
    const missing = await gateway.request("/v1/rosters/nope/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[0]] }));
    expect(missing.status).toBe(404);
  });

  it("takes a digest language of zh-CN or en, and names any other", async () => {
    const { gateway } = setup();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [uniqueKol()] }));
    const put = (lang: unknown) =>
      gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[0]], lang }));
    for (const lang of ["zh-CN", "en"]) expect((await put(lang)).ok).toBe(true);
    for (const lang of ["fr", "zh", "EN", 1]) {
      const refused = await put(lang);
      expect(((await refused.json()) as Problem).errors).toEqual([
        { field: "lang", in: "body", rule: "invalid_value", message: "must be zh-CN or en" },
      ]);
    }
  });
});

/**
 * Each chat type: an address its service issues (Feishu/Lark custom bot, DingTalk custom robot,
 * WeCom group robot, Slack incoming webhook or workflow trigger), one on the right host with the
 * wrong path, and a piece of the shape the refusal must name.
 */
const CHAT_ADDRESSES = [
  {
    type: "feishu",
    good: [
      "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
      "https://open.larksuite.com/open-apis/bot/v2/hook/f1",
    ],
    wrongPath: "https://open.feishu.cn/open-apis/im/v1/messages",
    shape: "/open-apis/bot/v2/hook/<token>",
  },
  {
    type: "dingtalk",
    good: ["https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"],
    wrongPath: "https://oapi.dingtalk.com/topapi/message/send?access_token=0123456789abcdef",
    shape: "/robot/send?access_token=<token>",
  },
  {
    type: "wecom",
    good: ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"],
    wrongPath: "https://qyapi.weixin.qq.com/cgi-bin/message/send?key=693a91f6",
    shape: "/cgi-bin/webhook/send?key=<key>",
  },
  {
    type: "slack",
    good: [
      "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
      "https://hooks.slack.com/triggers/T00000000/1234567890/abcdef0123456789",
      "https://hooks.slack.com/workflows/T00000000/A00000000/1234567890/abcdef",
    ],
    wrongPath: "https://hooks.slack.com/api/chat.postMessage",
    shape: "/services/",
  },
] as const;

describe("a chat target's address", () => {
  it.each(CHAT_ADDRESSES)("is held to $type's own incoming-webhook address, each refusal for its own reason", async (chat) => {
    const { gateway } = setup();
    await gateway.request("/v1/rosters/chat", json("PUT", { kolIds: [uniqueKol()] }));
    /** The errors of a watch sending to `url`, or [] when it is taken. */
    const errorsFor = async (url: string) => {
      const response = await gateway.request(
        "/v1/rosters/chat/watch",
        json("PUT", { rules: [{ kind: "anomaly" }], targets: [{ type: chat.type, url }] }),
      );
      return response.ok ? [] : ((await response.json()) as Problem).errors;
    };
    const refusal = (rule: string, message: unknown) => [{ field: "targets[0].url", in: "body", rule, message }];
    for (const url of chat.good) expect(await errorsFor(url)).toEqual([]);
    const [good] = chat.good;
    expect(await errorsFor(good.replace("https://", "https://user:pw@"))).toEqual(
      refusal("target_url_credentials", "must not carry a user name or password"),
    );
    expect(await errorsFor(chat.wrongPath)).toEqual(refusal("target_url_shape", expect.stringContaining(chat.shape)));
    expect(await errorsFor(`${good}#frag`)).toEqual(refusal("target_url_shape", expect.stringMatching(/with no port or #fragment$/)));
    // Longer than 512 characters, and otherwise the service's shape: refused for its length alone.
    expect(await errorsFor(`${good}${"a".repeat(513 - good.length)}`)).toEqual(refusal("too_big", "must be at most 512 characters"));
    expect(await errorsFor(`${good}${"a".repeat(512 - good.length)}`)).toEqual([]);
    const onPort = new URL(good);
    onPort.port = "8443";
    expect(await errorsFor(onPort.href)).toEqual(refusal("target_url_shape", expect.stringMatching(/with no port or #fragment$/)));
    expect(await errorsFor(good.replace("https://", "http://"))).toEqual(refusal("target_url", expect.stringContaining("https")));
    expect(await errorsFor(good.replace(new URL(good).hostname, "evil.example"))).toEqual(refusal("target_url", expect.any(String)));
  });

  it("needs the DingTalk and WeCom robots' token parameter, once and not empty", async () => {
    const { gateway } = setup();
    await gateway.request("/v1/rosters/chat", json("PUT", { kolIds: [uniqueKol()] }));
    const rulesFor = async (type: string, url: string) => {
      const response = await gateway.request(
        "/v1/rosters/chat/watch",
        json("PUT", { rules: [{ kind: "anomaly" }], targets: [{ type, url }] }),
      );
      return ((await response.json()) as Problem).errors?.map((error) => error.rule);
    };
    for (const url of [
      "https://oapi.dingtalk.com/robot/send",
      "https://oapi.dingtalk.com/robot/send?access_token=",
      "https://oapi.dingtalk.com/robot/send?access_token=a&access_token=b",
    ])
      expect(await rulesFor("dingtalk", url)).toEqual(["target_url_shape"]);
    for (const url of ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?token=w1"])
      expect(await rulesFor("wecom", url)).toEqual(["target_url_shape"]);
  });
});

describe("the daily watch run", () => {
  it("queues one digest per target for yesterday's spike, once: a second run that day sends nothing", async () => {
    const { gateway, spiking, sent } = setup();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [uniqueKol(), spiking] }));
    await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: TARGETS }));
    // The run reads every key's watches (this file's other tests' too): this key's gives one digest.
    expect(await gateway.runWatchesNow()).toMatchObject({ digests: 1 });
    expect(sent).toHaveLength(5);
    expect(sent[0]!.body).toMatchObject({
      kind: "digest",
      roster: "spring",
      digest: { day: YESTERDAY, alerts: [{ kolId: spiking, rule: "anomaly" }] },
    });
    expect(await gateway.runWatchesNow()).toMatchObject({ digests: 0 });
    expect(sent).toHaveLength(5);
  });

  it("sends nothing when no rule is met", async () => {
    const { gateway, sent } = setup();
    await gateway.request("/v1/rosters/calm", json("PUT", { kolIds: [uniqueKol()] }));
    await gateway.request("/v1/rosters/calm/watch", json("PUT", { rules: [{ kind: "below", fans: 1 }], targets: [TARGETS[0]] }));
    expect(await gateway.runWatchesNow()).toMatchObject({ digests: 0 });
    expect(sent).toEqual([]);
  });

  it("raises a change rule and a fall below a count on the latest day", async () => {
    const { gateway, spiking, sent } = setup();
    await gateway.request("/v1/rosters/rules", json("PUT", { kolIds: [spiking] }));
    const rules = [
      { kind: "change", days: 7, above: 50_000 },
      { kind: "below", fans: 2_000_000 },
    ];
    await gateway.request("/v1/rosters/rules/watch", json("PUT", { rules, targets: [TARGETS[0]] }));
    await gateway.runWatchesNow();
    const alerts = (sent[0]!.body as { digest: { alerts: Record<string, unknown>[] } }).digest.alerts;
    expect(alerts).toEqual([
      { kolId: spiking, rule: "change", date: YESTERDAY, days: 7, change: expect.any(Number), percent: expect.any(Number) },
      { kolId: spiking, rule: "below", date: YESTERDAY, fans: expect.any(Number), below: 2_000_000 },
    ]);
    expect(alerts[0]!.change).toBeGreaterThanOrEqual(80_000);
  });

  it("delivers the digest to every target: the webhook signed by Standard Webhooks, each chat service in its format", async () => {
    const { gateway, spiking, sent, received } = setup();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [spiking] }));
    await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: TARGETS }));
    await gateway.runWatchesNow();
    const result = await gateway.runQueue(sent.map(({ body }) => ({ body })));
    expect(result.explicitAcks).toHaveLength(5);
    const byHost = new Map(received.map((request) => [new URL(request.url).hostname, request]));
    expect([...byHost.keys()].sort()).toEqual([
      "hooks.slack.com",
      "oapi.dingtalk.com",
      "open.feishu.cn",
      "qyapi.weixin.qq.com",
      "receiver.test",
    ]);
    const webhook = byHost.get("receiver.test")!;
    const owner = (sent[0]!.body as { owner: string }).owner;
    const [secret] = await signingSecrets(MASTER, owner, { current: 1, previous: null });
    // The gateway's clock is the test's (2026-03-10): the reference library signs again at that time to compare.
    const at = new Date(Number(webhook.headers["webhook-timestamp"]) * 1000);
    expect(webhook.headers["webhook-signature"]!.split(" ")).toContain(
      new Webhook(secret!).sign(webhook.headers["webhook-id"]!, at, webhook.body),
    );
    expect(JSON.parse(webhook.body)).toMatchObject({ type: "roster.digest", roster: "spring", day: YESTERDAY, lang: "zh-CN" });
    expect(byHost.get("oapi.dingtalk.com")!.url).toMatch(/&timestamp=\d+&sign=/);
    // The default language: Chinese.
    for (const request of received.filter((candidate) => candidate !== webhook))
      expect(request.body).toContain(`${spiking}：${YESTERDAY} 粉丝异常激增 +8万`);
  });

  it("names a creator the roster labels as label (kolId)", async () => {
    const { gateway, spiking, sent, received } = setup();
    await gateway.request("/v1/rosters/named", json("PUT", { kolIds: [spiking], labels: { [spiking]: "小杨哥" } }));
    await gateway.request("/v1/rosters/named/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[4]] }));
    await gateway.runWatchesNow();
    const mine = sent.filter((message) => (message.body as { roster: string }).roster === "named");
    await gateway.runQueue(mine.map(({ body }) => ({ body })));
    expect((JSON.parse(received[0]!.body) as { text: string }).text).toContain(`- 小杨哥 (${spiking})：${YESTERDAY} 粉丝异常激增 +8万`);
  });

  it("writes the digest in the watch's language", async () => {
    const { gateway, spiking, sent, received } = setup();
    await gateway.request("/v1/rosters/english", json("PUT", { kolIds: [spiking] }));
    await gateway.request("/v1/rosters/english/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[4]], lang: "en" }));
    await gateway.runWatchesNow();
    const mine = sent.filter((message) => (message.body as { roster: string }).roster === "english");
    await gateway.runQueue(mine.map(({ body }) => ({ body })));
    const lines = (JSON.parse(received[0]!.body) as { text: string }).text.split("\n");
    expect(lines[0]).toBe(`*Xingtu Edge: roster english, ${YESTERDAY}: 1 alert*`);
    expect(lines[1]).toMatch(new RegExp(`^- ${spiking}: spike of \\+80,000 followers on ${YESTERDAY} \\(score [\\d.]+\\)$`));
  });

  it("spaces the digests to one DingTalk robot by its 20 messages a minute", async () => {
    const { gateway, spiking, sent } = setup();
    for (const name of ["a", "b", "c"]) {
      await gateway.request(`/v1/rosters/${name}`, json("PUT", { kolIds: [spiking] }));
      await gateway.request(`/v1/rosters/${name}/watch`, json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[2]] }));
    }
    await gateway.runWatchesNow();
    expect(sent.map((message) => message.delaySeconds)).toEqual([0, 3, 6]);
  });

  it("runs from the hourly Cron Trigger at WATCH_HOUR and the two hours after, not before", async () => {
    const { gateway, spiking, sent } = setup();
    await gateway.request("/v1/rosters/timed", json("PUT", { kolIds: [spiking] }));
    await gateway.request("/v1/rosters/timed/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[4]] }));
    gateway.clock.now = Date.parse("2026-03-10T01:07:00Z"); // 09:07 in Shanghai
    await gateway.runCron();
    expect(sent).toEqual([]);
    gateway.clock.now = Date.parse("2026-03-10T02:07:00Z"); // 10:07
    await gateway.runCron();
    expect(sent.filter((message) => (message.body as { roster: string }).roster === "timed")).toHaveLength(1);
  });
});

describe("a watch digest's webhook-id", () => {
  it("is one per key, roster, day and target, the same on a retry, and names neither key nor roster", async () => {
    const { gateway, spiking, sent, received } = setup();
    // Two keys, each with a roster named `twin` watched by the same webhook.
    const other = await createTestKey(gateway.env.KEYS);
    for (const as of [undefined, other.key]) {
      await gateway.request("/v1/rosters/twin", { ...json("PUT", { kolIds: [spiking] }), as });
      await gateway.request("/v1/rosters/twin/watch", { ...json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[0]] }), as });
    }
    await gateway.runWatchesNow();
    const twins = sent.filter((message) => (message.body as { roster: string }).roster === "twin");
    const owners = twins.map((message) => (message.body as { owner: string }).owner);
    expect(new Set(owners)).toEqual(new Set([other.record.name, expect.any(String)]));
    expect(new Set(owners).size).toBe(2);
    await gateway.runQueue(twins.map(({ body }) => ({ body })));
    // The first key's digest again, as the queue retries it.
    await gateway.runQueue([{ body: twins[0]!.body, attempts: 2 }]);
    const ids = received.map((request) => request.headers["webhook-id"]!);
    expect(ids).toHaveLength(3);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe(ids[0]);
    // The day stays readable; the rest is a hash: no key name, no roster name, no `.` (the signed content is id.timestamp.body).
    for (const id of ids) expect(id).toMatch(new RegExp(`^digest_${YESTERDAY}_[0-9a-f]{24}$`));
  });
});

describe("a watch's test", () => {
  /** A gateway whose targets answer as `answers` says, by host (default: each service's success). */
  function testing(answers: Record<string, (request: Request) => Promise<Response>> = {}, env: Record<string, unknown> = {}) {
    const { spiking, sent } = setup();
    const received: { url: string; headers: Record<string, string>; body: string }[] = [];
    const gateway = makeGateway({
      fetch: upstreamWith(spiking),
      env: {
        WEBHOOK_SIGNING_SECRET: MASTER,
        CALLBACK_HOSTS: "receiver.test",
        DELIVERIES: { send: async (body: unknown) => void sent.push({ body }) },
        ...env,
      },
      receiver: async (request) => {
        const host = new URL(request.url).hostname;
        received.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.clone().text() });
        if (answers[host]) return answers[host](request);
        if (host === "oapi.dingtalk.com" || host === "qyapi.weixin.qq.com") return Response.json({ errcode: 0, errmsg: "ok" });
        if (host === "open.feishu.cn") return Response.json({ code: 0, msg: "success" });
        return new Response("ok");
      },
    });
    return { gateway, spiking, sent, received };
  }

  /** A watched roster of `kolIds` sending to `targets`, then its test's answer. */
  async function test(gateway: ReturnType<typeof makeGateway>, kolIds: string[], targets: unknown[], extra: Record<string, unknown> = {}) {
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds }));
    expect((await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets, ...extra }))).ok).toBe(
      true,
    );
    return gateway.request("/v1/rosters/spring/watch/test", { method: "POST" });
  }

  it("sends a sample to every target now, and answers each one's result by its origin", async () => {
    const { gateway, sent, received } = testing();
    const response = await test(gateway, [uniqueKol()], TARGETS);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      targets: [
        { type: "webhook", url: "https://receiver.test", ok: true, status: 200, code: null, message: null },
        { type: "feishu", url: "https://open.feishu.cn", ok: true, status: 200, code: 0, message: null },
        { type: "dingtalk", url: "https://oapi.dingtalk.com", ok: true, status: 200, code: 0, message: null },
        { type: "wecom", url: "https://qyapi.weixin.qq.com", ok: true, status: 200, code: 0, message: null },
        { type: "slack", url: "https://hooks.slack.com", ok: true, status: 200, code: null, message: null },
      ],
    });
    expect(received).toHaveLength(5);
    // Directly, not through the queue, and with nothing looked up.
    expect(sent).toEqual([]);
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("says in its title that it is a test, and uses the roster's creators", async () => {
    const { gateway, received } = testing();
    const kolId = uniqueKol();
    await test(gateway, [kolId], [TARGETS[1]]);
    const text = (JSON.parse(received[0]!.body) as { content: { text: string } }).content.text.split("\n");
    expect(text[0]).toBe("【测试】星图 Edge：名单「spring」示例提醒");
    expect(text[2]).toMatch(new RegExp(`^- ${kolId}：`));
  });

  it("names the roster's labelled creators as label (kolId)", async () => {
    const { gateway, received } = testing();
    const kolId = uniqueKol();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [kolId], labels: { [kolId]: "小杨哥" } }));
    await gateway.request("/v1/rosters/spring/watch", json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[1]] }));
    await gateway.request("/v1/rosters/spring/watch/test", { method: "POST" });
    expect((JSON.parse(received[0]!.body) as { content: { text: string } }).content.text).toContain(`- 小杨哥 (${kolId})：`);
  });

  it("is written in the watch's language", async () => {
    const { gateway, received } = testing();
    await test(gateway, [uniqueKol()], [TARGETS[4]], { lang: "en" });
    expect((JSON.parse(received[0]!.body) as { text: string }).text).toMatch(/^\*\[TEST\] Xingtu Edge: roster spring: sample alerts\*\n/);
  });

  it("signs a webhook's sample as a real digest, typed roster.digest.test under an id of its own", async () => {
    const { gateway, received } = testing();
    const key = await createTestKey(gateway.env.KEYS);
    await gateway.request("/v1/rosters/signed", { ...json("PUT", { kolIds: [uniqueKol()] }), as: key.key });
    await gateway.request("/v1/rosters/signed/watch", {
      ...json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[0]] }),
      as: key.key,
    });
    await gateway.request("/v1/rosters/signed/watch/test", { method: "POST", as: key.key });
    const [webhook] = received;
    expect(JSON.parse(webhook!.body)).toMatchObject({ type: "roster.digest.test", roster: "signed", day: YESTERDAY });
    expect(webhook!.headers["webhook-id"]).toMatch(new RegExp(`^test_${YESTERDAY}_[0-9a-f]{32}$`));
    // The owner key's secret verifies the signature, as the reference library computes it.
    const [secret] = await signingSecrets(MASTER, key.record.name, { current: 1, previous: null });
    const at = new Date(Number(webhook!.headers["webhook-timestamp"]) * 1000);
    expect(webhook!.headers["webhook-signature"]!.split(" ")).toContain(
      new Webhook(secret!).sign(webhook!.headers["webhook-id"]!, at, webhook!.body),
    );
  });

  it("leaves the day's digest alone: lastDigest stays, and the day's run still sends", async () => {
    const { gateway, spiking, sent } = testing();
    await test(gateway, [spiking], [TARGETS[0]]);
    expect(((await (await gateway.request("/v1/rosters/spring/watch")).json()) as WatchView).lastDigest).toBeNull();
    await gateway.runWatchesNow();
    expect(sent.filter((message) => (message.body as { roster: string }).roster === "spring")).toHaveLength(1);
  });

  it("answers each target's refusal: its HTTP status, the service's own code and message", async () => {
    const { gateway } = testing({
      "receiver.test": async () => new Response("broken", { status: 500 }),
      "open.feishu.cn": async () =>
        Response.json({ code: 19021, msg: "sign match fail or timestamp is not within one hour from current time" }),
      "oapi.dingtalk.com": async () => Response.json({ errcode: 310000, errmsg: "sign not match" }),
      "qyapi.weixin.qq.com": async () => Response.json({ errcode: 93000, errmsg: "invalid webhook url" }),
      "hooks.slack.com": async () => new Response("no_service", { status: 404 }),
    });
    const { targets } = (await (await test(gateway, [uniqueKol()], TARGETS)).json()) as { targets: unknown[] };
    expect(targets).toEqual([
      { type: "webhook", url: "https://receiver.test", ok: false, status: 500, code: null, message: "the target answered HTTP 500" },
      {
        type: "feishu",
        url: "https://open.feishu.cn",
        ok: false,
        status: 200,
        code: 19021,
        message: "sign match fail or timestamp is not within one hour from current time",
      },
      { type: "dingtalk", url: "https://oapi.dingtalk.com", ok: false, status: 200, code: 310000, message: "sign not match" },
      { type: "wecom", url: "https://qyapi.weixin.qq.com", ok: false, status: 200, code: 93000, message: "invalid webhook url" },
      { type: "slack", url: "https://hooks.slack.com", ok: false, status: 404, code: null, message: "no_service" },
    ]);
  });

  it("answers status null when a target cannot be reached or does not answer in time", async () => {
    const { gateway } = testing(
      {
        "hooks.slack.com": async () => {
          throw new TypeError("Network connection lost.");
        },
        // Holds the request until the gateway gives up on it.
        "qyapi.weixin.qq.com": (request) =>
          new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(new Error("aborted")))),
      },
      { CALLBACK_TIMEOUT_MS: "50" },
    );
    const { targets } = (await (await test(gateway, [uniqueKol()], [TARGETS[3], TARGETS[4]])).json()) as { targets: unknown[] };
    expect(targets).toEqual([
      {
        type: "wecom",
        url: "https://qyapi.weixin.qq.com",
        ok: false,
        status: null,
        code: null,
        message: "the target did not answer within 50 ms",
      },
      { type: "slack", url: "https://hooks.slack.com", ok: false, status: null, code: null, message: "the target could not be reached" },
    ]);
  });

  it("never shows a target's token or secret", async () => {
    const { gateway } = testing({ "open.feishu.cn": async () => Response.json({ code: 19021, msg: "sign match fail" }) });
    const text = await (await test(gateway, [uniqueKol()], TARGETS)).text();
    expect(text).not.toMatch(/feishu-secret|SECding|access_token|key=w1|\/f1|s1|digest/);
  });

  it("holds a webhook target to CALLBACK_HOSTS as it is now, sending nothing where it no longer allows", async () => {
    const { gateway } = testing();
    const key = await createTestKey(gateway.env.KEYS);
    await gateway.request("/v1/rosters/spring", { ...json("PUT", { kolIds: [uniqueKol()] }), as: key.key });
    await gateway.request("/v1/rosters/spring/watch", {
      ...json("PUT", { rules: [{ kind: "anomaly" }], targets: [TARGETS[0]] }),
      as: key.key,
    });
    const narrower = testing({}, { CALLBACK_HOSTS: "other.test" });
    const answer = await narrower.gateway.request("/v1/rosters/spring/watch/test", { method: "POST", as: key.key });
    expect(await answer.json()).toEqual({
      targets: [
        {
          type: "webhook",
          url: "https://receiver.test",
          ok: false,
          status: null,
          code: null,
          message: "the target URL must be on a host listed in CALLBACK_HOSTS",
        },
      ],
    });
    expect(narrower.received).toEqual([]);
  });

  it("is a 404 for a roster that is missing or not watched, as the watch routes are", async () => {
    const { gateway, received } = testing();
    const missing = await gateway.request("/v1/rosters/nope/watch/test", { method: "POST" });
    expect({ status: missing.status, type: ((await missing.json()) as Problem).type }).toEqual({
      status: 404,
      type: "/problems/roster-not-found",
    });
    await gateway.request("/v1/rosters/quiet", json("PUT", { kolIds: [uniqueKol()] }));
    const unwatched = await gateway.request("/v1/rosters/quiet/watch/test", { method: "POST" });
    expect({ status: unwatched.status, type: ((await unwatched.json()) as Problem).type }).toEqual({
      status: 404,
      type: "/problems/watch-not-found",
    });
    expect(received).toEqual([]);
  });

  it("needs a client key, even where anonymous callers are served", async () => {
    const { gateway, received } = testing({}, { PUBLIC_ACCESS: "true" });
    await test(gateway, [uniqueKol()], [TARGETS[4]]);
    const anonymous = await gateway.request("/v1/rosters/spring/watch/test", { method: "POST", as: null });
    expect(anonymous.status).toBe(401);
    expect(received).toHaveLength(1);
  });

  it("names a roster name that breaks its rules", async () => {
    const { gateway } = testing();
    const response = await gateway.request(`/v1/rosters/${"x".repeat(200)}/watch/test`, { method: "POST" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "name", in: "path" })]);
  });
});
