/**
 * One roster: a range (the last 7, 30 or 90 days), its creators in a sortable table (name, id,
 * latest count, change, change %, a sparkline, anomalous days), the gateway's own comparison chart
 * (absolute or indexed), downloads, and a share link with its embed code.
 */
import { useEffect, useState } from "hono/jsx/dom";
import { ApiError, blobUrl, getJson, remove, rosterPath, sendJson, type RosterTrends, type ShareLink } from "./api.ts";
import { parseLines } from "./rosters.tsx";
import { CreatorsTable } from "./creators-table.tsx";
import type { Shared } from "./main.tsx";

const RANGES = [7, 30, 90];
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
  const [link, setLink] = useState<ShareLink | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lines, setLines] = useState("");
  const [edits, setEdits] = useState(0);
  const fail = (failure: unknown) => setError(failure instanceof ApiError ? failure.detail : String(failure));

  useEffect(() => {
    setTrends(null);
    getJson<RosterTrends>(`${rosterPath(name)}/daily-fans?days=${days}`).then(setTrends, fail);
  }, [name, days, edits]);
  const edited = () => setEdits(edits + 1);
  const add = async (event: Event) => {
    event.preventDefault();
    await sendJson("POST", `${rosterPath(name)}/kols`, parseLines(lines)).then(() => (setLines(""), edited()), fail);
  };
  const removeCreator = (kolId: string) => remove(`${rosterPath(name)}/kols/${kolId}`).then(edited, fail);
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
  }, [name, days, mode, lang, edits]);

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
        <CreatorsTable lang={lang} words={words} members={trends.members} onRemove={removeCreator} />
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
      <form class="controls" onSubmit={add}>
        <label for="add-lines">{words.addCreators}</label>
        <textarea id="add-lines" rows={2} value={lines} onInput={(event: Event) => setLines((event.target as HTMLTextAreaElement).value)} />
        <button type="submit">{words.add}</button>
      </form>
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
