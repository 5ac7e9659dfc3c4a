/**
 * One roster: a range (the last 7, 30 or 90 days), its creators in a sortable table (name, id,
 * latest count, change, change %, a sparkline, anomalous days), the gateway's own comparison chart
 * (absolute or indexed), downloads, and a share link with its embed code.
 */
import { useEffect, useState } from "hono/jsx/dom";
import { blobUrl, getJson, remove, rosterPath, sendJson, type Member, type Roster, type RosterTrends, type ShareLink } from "./api.ts";
import { creatorsOf } from "./rosters.tsx";
import { CreatorsTable } from "./creators-table.tsx";
import type { Shared } from "./main.tsx";
import { ErrorLine, valueOf } from "./alert.tsx";

const RANGES = [7, 30, 90];
/** The last N days (ending yesterday), or a custom range. */
type Range = { days: number } | { startDate: string; endDate: string };
async function download(path: string, filename: string) {
  const anchor = document.createElement("a");
  anchor.href = await blobUrl(path);
  anchor.download = filename;
  anchor.click();
  URL.revokeObjectURL(anchor.href);
}

export function RosterView({
  lang,
  words,
  name,
  onBack,
  onRenamed,
}: Shared & { name: string; onBack: () => void; onRenamed: (name: string) => void }) {
  const [range, setRange] = useState<Range>({ days: 30 });
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const asked = new URLSearchParams(Object.entries(range).map(([field, value]) => [field, String(value)])).toString();
  const [mode, setMode] = useState<"absolute" | "indexed">("absolute");
  const [trends, setTrends] = useState<RosterTrends | null>(null);
  const [chart, setChart] = useState<string | null>(null);
  const [link, setLink] = useState<ShareLink | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [lines, setLines] = useState("");
  const [selected, setSelected] = useState<Member | null>(null);
  const [own, setOwn] = useState<string | null>(null);
  const [edits, setEdits] = useState(0);
  const [loading, setLoading] = useState(true);
  const fail = (failure: unknown) => setError(failure);
  /** What a successful action does first: the last failure's words no longer stand. */
  const succeeded = () => setError(null);
  /** The new name being typed, while the rename form is open. */
  const [renaming, setRenaming] = useState<string | null>(null);

  useEffect(() => {
    setTrends(null);
    setLoading(true);
    getJson<RosterTrends>(`${rosterPath(name)}/daily-fans?${asked}`)
      .then((found) => (succeeded(), setTrends(found)), fail)
      .finally(() => setLoading(false));
  }, [name, asked, edits]);
  const edited = () => (succeeded(), setEdits(edits + 1));
  useEffect(() => {
    if (!selected) return;
    let url: string | null = null;
    // The creator's label titles the chart (the gateway draws it; the id stays beside it).
    const named = selected.label ? `&name=${encodeURIComponent(selected.label)}` : "";
    const query = `${asked}&lang=${lang}&width=${Math.min(1600, Math.max(400, window.innerWidth - 48))}${named}`;
    blobUrl(`/v1/kols/${selected.kolId}/daily-fans.svg?${query}`).then((made) => setOwn((url = made)), fail);
    return () => void (url && URL.revokeObjectURL(url));
  }, [selected, asked, lang]);
  const add = async (event: Event) => {
    event.preventDefault();
    try {
      await sendJson("POST", `${rosterPath(name)}/kols`, creatorsOf(lines, words));
      setLines("");
      edited();
    } catch (failure) {
      fail(failure);
    }
  };
  const removeCreator = (kolId: string) => remove(`${rosterPath(name)}/kols/${kolId}`).then(edited, fail);
  useEffect(() => {
    const query = new URLSearchParams({
      ...Object.fromEntries(Object.entries(range).map(([field, value]) => [field, String(value)])),
      mode,
      lang,
      width: String(Math.min(1600, Math.max(400, window.innerWidth - 48))),
    });
    let url: string | null = null;
    blobUrl(`${rosterPath(name)}/daily-fans.svg?${query}`).then(
      (made) => setChart((url = made)),
      (failure: unknown) => (setChart(null), fail(failure)),
    );
    return () => void (url && URL.revokeObjectURL(url));
  }, [name, asked, mode, lang, edits]);

  const rename = async (event: Event) => {
    event.preventDefault();
    const to = renaming!.trim();
    await sendJson<Roster>("PATCH", rosterPath(name), { name: to }).then(
      (roster) => (succeeded(), setRenaming(null), onRenamed(roster.name)),
      fail,
    );
  };
  const deleteRoster = async () => {
    if (confirm(words.confirmDelete(name))) await remove(rosterPath(name)).then(onBack, fail);
  };
  const share = async () => {
    try {
      setLink(await sendJson<ShareLink>("POST", "/v1/share-links", { roster: name, ...range, lang, mode }));
      succeeded();
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
      <div class="controls">
        <h2>{name}</h2>
        {renaming === null ? (
          <>
            <button type="button" class="link" onClick={() => setRenaming(name)}>
              {words.rename}
            </button>
            <button type="button" class="link" onClick={deleteRoster}>
              {words.deleteRoster}
            </button>
          </>
        ) : (
          <form class="controls" onSubmit={rename}>
            <label for="rename-to">{words.newName}</label>
            <input id="rename-to" value={renaming} onInput={(event: Event) => setRenaming(valueOf(event))} />
            <button type="submit">{words.rename}</button>
            <button type="button" class="link" onClick={() => setRenaming(null)}>
              {words.cancel}
            </button>
          </form>
        )}
      </div>
      <div class="controls" role="group">
        {RANGES.map((n) => (
          <button type="button" aria-pressed={String("days" in range && range.days === n)} onClick={() => setRange({ days: n })}>
            {words.days(n)}
          </button>
        ))}
        {/* Each label beside its field, on a phone too. */}
        <span class="field">
          <label for="range-from">{words.from}</label>
          <input id="range-from" type="date" value={from} onInput={(event: Event) => setFrom(valueOf(event))} />
        </span>
        <span class="field">
          <label for="range-to">{words.to}</label>
          <input id="range-to" type="date" value={to} onInput={(event: Event) => setTo(valueOf(event))} />
        </span>
        <button
          type="button"
          aria-pressed={String("startDate" in range)}
          disabled={!from || !to}
          onClick={() => (from > to ? fail(words.rangeOrder) : setRange({ startDate: from, endDate: to }))}
        >
          {words.apply}
        </button>
        <span class="spacer" />
        {/* The two modes wrap together: one is read against the other. */}
        <span class="modes">
          <button type="button" aria-pressed={String(mode === "absolute")} onClick={() => setMode("absolute")}>
            {words.absolute}
          </button>
          <button type="button" aria-pressed={String(mode === "indexed")} onClick={() => setMode("indexed")}>
            {words.indexed}
          </button>
        </span>
      </div>
      <ErrorLine error={error} lang={lang} />
      {chart ? <img class="chart" src={chart} alt={`${name}: ${words.trend}`} /> : null}
      {trends ? (
        <CreatorsTable lang={lang} words={words} members={trends.members} onRemove={removeCreator} onSelect={setSelected} />
      ) : loading ? (
        <p>{words.loading}</p>
      ) : null}
      {selected && own ? (
        <figure class="own">
          <img class="chart" src={own} alt={words.creatorChart(selected.label ?? selected.kolId)} />
          <figcaption>
            {words.creatorChart(selected.label ?? selected.kolId)}{" "}
            <button type="button" class="link" onClick={() => setSelected(null)}>
              {words.closeChart}
            </button>
          </figcaption>
        </figure>
      ) : null}
      <div class="controls">
        <span>{words.download}</span>
        <button
          type="button"
          onClick={() => download(`${rosterPath(name)}/daily-fans?${asked}&format=csv&lang=${lang}`, `${name}.csv`).catch(fail)}
        >
          {words.csv}
        </button>
        <button
          type="button"
          onClick={() =>
            download(`${rosterPath(name)}/daily-fans?${asked}&format=csv-wide&bom=true&lang=${lang}`, `${name}-wide.csv`).catch(fail)
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
      <form class="controls" onSubmit={add}>
        <label for="add-lines">{words.addCreators}</label>
        <textarea id="add-lines" rows={2} value={lines} onInput={(event: Event) => setLines(valueOf(event))} />
        <button type="submit">{words.add}</button>
      </form>
    </section>
  );
}
