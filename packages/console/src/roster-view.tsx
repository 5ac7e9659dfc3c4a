/**
 * One roster: a range (the last 7, 30 or 90 days), its creators in a sortable table (name, id,
 * latest count, change, change %, a sparkline, anomalous days), the gateway's own comparison chart
 * (absolute or indexed), downloads, and a share link with its embed code.
 */
import { useEffect, useState } from "hono/jsx/dom";
import { ApiError, blobUrl, getJson, rosterPath, sendJson, type Member, type RosterTrends, type ShareLink } from "./api.ts";
import { formatNumber } from "./i18n.ts";
import type { Shared } from "./main.tsx";

const RANGES = [7, 30, 90];
type SortKey = "label" | "latest" | "change" | "changeRate";

/** A creator's counts as a small line (its own scale: the shape, not the size). */
function Sparkline({ series }: { series: { fans: number | null }[] }) {
  const values = series.map((point) => point.fans).filter((fans): fans is number => fans !== null);
  if (values.length < 2) return <span class="muted">–</span>;
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const points = values.map(
    (value, i) => `${((i / (values.length - 1)) * 96 + 2).toFixed(1)},${(22 - ((value - low) / (high - low || 1)) * 20).toFixed(1)}`,
  );
  return (
    <svg class="spark" width="100" height="24" viewBox="0 0 100 24" aria-hidden="true">
      <polyline points={points.join(" ")} />
    </svg>
  );
}

const sortValue = (member: Member, key: SortKey): number | string =>
  key === "label"
    ? (member.label ?? member.kolId)
    : key === "latest"
      ? (member.summary?.lastFans ?? -Infinity)
      : (member.summary?.[key] ?? -Infinity);

async function download(path: string, filename: string) {
  const anchor = document.createElement("a");
  anchor.href = await blobUrl(path);
  anchor.download = filename;
  anchor.click();
  URL.revokeObjectURL(anchor.href);
}

export function RosterView({ lang, words, name, onBack }: Shared & { name: string; onBack: () => void }) {
  const [days, setDays] = useState(30);
  const [mode, setMode] = useState<"absolute" | "indexed">("absolute");
  const [trends, setTrends] = useState<RosterTrends | null>(null);
  const [chart, setChart] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "change", descending: true });
  const [link, setLink] = useState<ShareLink | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (failure: unknown) => setError(failure instanceof ApiError ? failure.detail : String(failure));

  useEffect(() => {
    setTrends(null);
    getJson<RosterTrends>(`${rosterPath(name)}/daily-fans?days=${days}`).then(setTrends, fail);
  }, [name, days]);
  useEffect(() => {
    const query = new URLSearchParams({
      days: String(days),
      mode,
      lang,
      width: String(Math.min(1600, Math.max(400, window.innerWidth - 48))),
    });
    let url: string | null = null;
    blobUrl(`${rosterPath(name)}/daily-fans.svg?${query}`).then((made) => setChart((url = made)), fail);
    return () => void (url && URL.revokeObjectURL(url));
  }, [name, days, mode, lang]);

  const members = [...(trends?.members ?? [])];
  const answered = members.filter((member) => member.ok);
  const failed = members.filter((member) => !member.ok);
  answered.sort((a, b) => {
    const [x, y] = [sortValue(a, sort.key), sortValue(b, sort.key)];
    const order = typeof x === "string" ? x.localeCompare(String(y), lang) : x - (y as number);
    return sort.descending ? -order : order;
  });
  const header = (key: SortKey, title: string) => (
    <th aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : "none"}>
      <button type="button" class="link" onClick={() => setSort({ key, descending: sort.key === key ? !sort.descending : true })}>
        {title}
      </button>
    </th>
  );
  const share = async () => {
    try {
      setLink(await sendJson<ShareLink>("POST", "/v1/share-links", { roster: name, days, lang, mode }));
    } catch (failure) {
      fail(failure);
    }
  };
  const copy = async (text: string) => {
    await navigator.clipboard.writeText(text).catch(() => undefined);
    setCopied(text);
  };

  return (
    <section class="card roster">
      <button type="button" class="link" onClick={onBack}>
        ← {words.back}
      </button>
      <h2>{name}</h2>
      <div class="controls" role="group">
        {RANGES.map((n) => (
          <button type="button" aria-pressed={String(days === n)} onClick={() => setDays(n)}>
            {words.days(n)}
          </button>
        ))}
        <span class="spacer" />
        <button type="button" aria-pressed={String(mode === "absolute")} onClick={() => setMode("absolute")}>
          {words.absolute}
        </button>
        <button type="button" aria-pressed={String(mode === "indexed")} onClick={() => setMode("indexed")}>
          {words.indexed}
        </button>
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {chart ? <img class="chart" src={chart} alt={`${name}: ${words.trend}`} /> : null}
      {trends === null ? (
        <p>{words.loading}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {header("label", words.label)}
                <th>{words.kolId}</th>
                {header("latest", words.latest)}
                {header("change", words.change)}
                {header("changeRate", words.changeRate)}
                <th>{words.trend}</th>
                <th>{words.anomalies}</th>
              </tr>
            </thead>
            <tbody>
              {answered.map((member) => (
                <tr>
                  <td>{member.label ?? "–"}</td>
                  <td class="id">{member.kolId}</td>
                  <td class="number">{formatNumber(lang, member.summary?.lastFans)}</td>
                  <td class="number">{formatNumber(lang, member.summary?.change, { signDisplay: "exceptZero" })}</td>
                  <td class="number">
                    {formatNumber(lang, member.summary?.changeRate, {
                      style: "percent",
                      maximumFractionDigits: 2,
                      signDisplay: "exceptZero",
                    })}
                  </td>
                  <td>
                    <Sparkline series={member.series ?? []} />
                  </td>
                  <td>{(member.anomalies ?? []).map((day) => day.date.slice(5)).join(", ") || "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {failed.length ? (
            <div class="error">
              <p>{words.failed(failed.length)}</p>
              <ul>
                {failed.map((member) => (
                  <li>
                    {member.label ?? member.kolId}: {member.problem?.detail}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      )}
      <div class="controls">
        <span>{words.download}:</span>
        <button
          type="button"
          onClick={() => download(`${rosterPath(name)}/daily-fans?days=${days}&format=csv&lang=${lang}`, `${name}.csv`).catch(fail)}
        >
          {words.csv}
        </button>
        <button
          type="button"
          onClick={() =>
            download(`${rosterPath(name)}/daily-fans?days=${days}&format=csv-wide&bom=true&lang=${lang}`, `${name}-wide.csv`).catch(fail)
          }
        >
          {words.wideCsv}
        </button>
        <span class="spacer" />
        <button type="button" onClick={share}>
          {words.share}
        </button>
      </div>
      {link ? (
        <div class="share">
          {[
            [words.link, link.urls.svg],
            [words.wideCsv, link.urls.wideCsv ?? link.urls.csv],
            [words.embed, link.embed],
          ].map(([title, text]) => (
            <p>
              <span>{title}</span> <code>{text}</code>{" "}
              <button type="button" class="link" onClick={() => copy(text!)}>
                {copied === text ? words.copied : words.copy}
              </button>
            </p>
          ))}
        </div>
      ) : null}
    </section>
  );
}
