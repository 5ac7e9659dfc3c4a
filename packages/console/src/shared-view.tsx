/**
 * What a share link shows, for someone signed in with the link alone: read only, through the link's
 * own URLs (`/s/<token>`: its JSON, and its chart as a plain `<img>`, which needs no header).
 */
import { useEffect, useState } from "hono/jsx/dom";
import type { Member } from "./api.ts";
import { CreatorsTable } from "./creators-table.tsx";
import type { Shared } from "./main.tsx";
import { ErrorLine } from "./alert.tsx";

interface SharedAnswer {
  roster?: string | null;
  kolId?: string;
  startDate: string;
  endDate: string;
  members?: Member[];
  series?: Member["series"];
  summary?: Member["summary"];
}

export function SharedView({ lang, words, token }: Shared & { token: string }) {
  const [answer, setAnswer] = useState<SharedAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    fetch(`/s/${token}`).then(async (response) => {
      const body = (await response.json()) as SharedAnswer & { detail?: string };
      if (response.ok) setAnswer(body);
      else setError(body.detail ?? `HTTP ${response.status}`);
    }, String);
  }, [token]);
  const width = Math.min(1600, Math.max(400, window.innerWidth - 48));
  const members =
    answer?.members ?? (answer?.kolId ? [{ kolId: answer.kolId, ok: true, series: answer.series, summary: answer.summary }] : []);
  return (
    <section class="card shared">
      <h2>
        {words.sharedView}
        {answer ? ` · ${answer.roster ?? answer.kolId ?? ""} · ${answer.startDate} – ${answer.endDate}` : ""}
      </h2>
      <ErrorLine error={error} lang={lang} />
      <img class="chart" src={`/s/${token}.svg?lang=${lang}&width=${width}`} alt={words.trend} />
      {answer ? <CreatorsTable lang={lang} words={words} members={members} /> : error ? null : <p>{words.loading}</p>}
      {answer ? (
        <p class="controls">
          <span>{words.download}</span>
          <a class="button" href={`/s/${token}.csv?lang=${lang}`} download>
            {words.csv}
          </a>
          {answer.roster ? (
            <a class="button" href={`/s/${token}.wide.csv?bom=true&lang=${lang}`} download>
              {words.wideCsv}
            </a>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
