/**
 * A roster's daily watch (`/v1/rosters/{name}/watch`): its rules, one chat or webhook target and
 * the digest's language; save it, send a marked test digest now and read each target's answer
 * (`POST .../watch/test`), and see the day of the last real digest.
 */
import { useEffect, useState } from "hono/jsx/dom";
import { ApiError, getJson, rosterPath, sendJson } from "./api.ts";
import type { Shared } from "./main.tsx";
import { ErrorLine, valueOf } from "./alert.tsx";

type TargetType = "feishu" | "dingtalk" | "wecom" | "slack" | "webhook";
type Rule = { kind: "anomaly" } | { kind: "change"; days: number; abovePercent: number } | { kind: "below"; fans: number };
interface WatchView {
  rules: Rule[];
  targets: { type: TargetType; url: string; secret?: "set" }[];
  lastDigest: string | null;
  lang: "zh-CN" | "en";
}
interface TestAnswer {
  targets: { type: TargetType; url: string; ok: boolean; status: number | null; code: number | null; message: string | null }[];
}

const TYPES: TargetType[] = ["feishu", "dingtalk", "wecom", "slack", "webhook"];

export function WatchPanel({ lang, words, name }: Shared & { name: string }) {
  const [watch, setWatch] = useState<WatchView | null>(null);
  const [anomaly, setAnomaly] = useState(true);
  const [percent, setPercent] = useState("");
  const [below, setBelow] = useState("");
  const [type, setType] = useState<TargetType>("feishu");
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  // A new watch speaks the console's language until another is chosen (a saved one keeps its own).
  const [digestLang, setDigestLang] = useState<"zh-CN" | "en">(lang);
  const [results, setResults] = useState<TestAnswer["targets"] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fail = (failure: unknown) => setError(failure);
  const path = `${rosterPath(name)}/watch`;

  useEffect(() => {
    getJson<WatchView>(path).then(
      (found) => {
        setWatch(found);
        // The saved rules fill the form: saving again keeps them.
        setAnomaly(found.rules.some((rule) => rule.kind === "anomaly"));
        for (const rule of found.rules) {
          if (rule.kind === "change") setPercent(String(rule.abovePercent));
          if (rule.kind === "below") setBelow(String(rule.fans));
        }
        setDigestLang(found.lang);
        if (found.targets[0]) setType(found.targets[0].type);
      },
      (failure: ApiError) => (failure.status === 404 ? setWatch(null) : fail(failure)),
    );
  }, [name]);

  const save = async (event: Event) => {
    event.preventDefault();
    const rules: Rule[] = [];
    if (anomaly) rules.push({ kind: "anomaly" });
    if (percent) rules.push({ kind: "change", days: 7, abovePercent: Number(percent) });
    if (below) rules.push({ kind: "below", fans: Number(below) });
    try {
      setWatch(
        await sendJson<WatchView>("PUT", path, { rules, targets: [{ type, url, ...(secret ? { secret } : {}) }], lang: digestLang }),
      );
      setError(null);
      setNote(words.saved);
    } catch (failure) {
      fail(failure);
    }
  };
  const test = async () => {
    try {
      setResults((await sendJson<TestAnswer>("POST", `${path}/test`, undefined)).targets);
    } catch (failure) {
      fail(failure);
    }
  };

  return (
    <form class="card watch" onSubmit={save}>
      <h2>{words.watch}</h2>
      <p class="muted">
        {watch
          ? `${watch.targets.map((target) => `${words.targets[target.type]} ${target.url}`).join(words.listSeparator)} · ${words.lastDigest}: ${watch.lastDigest ?? words.never}`
          : words.notWatched}
      </p>
      <label>
        <input type="checkbox" checked={anomaly} onChange={(event: Event) => setAnomaly((event.target as HTMLInputElement).checked)} />{" "}
        {words.ruleAnomaly}
      </label>
      <label for="watch-percent">{words.ruleChange}</label>
      <input id="watch-percent" inputmode="decimal" value={percent} onInput={(event: Event) => setPercent(valueOf(event))} />
      <label for="watch-below">{words.ruleBelow}</label>
      <input id="watch-below" inputmode="numeric" value={below} onInput={(event: Event) => setBelow(valueOf(event))} />
      <label for="watch-type">{words.target}</label>
      <select id="watch-type" value={type} onChange={(event: Event) => setType(valueOf(event) as TargetType)}>
        {TYPES.map((each) => (
          <option value={each} selected={each === type}>
            {words.targets[each]}
          </option>
        ))}
      </select>
      <label for="watch-url">{words.targetUrl}</label>
      <input id="watch-url" type="url" aria-describedby="watch-url-hint" value={url} onInput={(event: Event) => setUrl(valueOf(event))} />
      {watch ? (
        <p id="watch-url-hint" class="hint">
          {words.urlAgain}
        </p>
      ) : null}
      <label for="watch-secret">{words.secret}</label>
      <input id="watch-secret" type="password" autocomplete="off" value={secret} onInput={(event: Event) => setSecret(valueOf(event))} />
      <label for="watch-lang">{words.digestLang}</label>
      <select id="watch-lang" value={digestLang} onChange={(event: Event) => setDigestLang(valueOf(event) as "zh-CN" | "en")}>
        <option value="zh-CN" selected={digestLang === "zh-CN"}>
          中文
        </option>
        <option value="en" selected={digestLang === "en"}>
          English
        </option>
      </select>
      <div class="controls">
        <button type="submit">{words.saveWatch}</button>
        {watch ? (
          <button type="button" onClick={test}>
            {words.testWatch}
          </button>
        ) : null}
        {note ? <span class="muted">{note}</span> : null}
      </div>
      {results ? (
        <ul class="results">
          {results.map((result) => (
            <li class={result.ok ? "" : "error"}>
              {words.targets[result.type]} {result.url}:{" "}
              {words.targetResult(result.ok, String(result.status ?? "–"), result.code === null ? "" : String(result.code))}
              {result.message ? ` · ${result.message}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorLine error={error} lang={lang} />
    </form>
  );
}
