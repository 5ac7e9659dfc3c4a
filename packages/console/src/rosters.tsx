/** The key's rosters, and a new one from pasted lines (`id name`, one creator a line). */
import { useEffect, useState } from "hono/jsx/dom";
import { getJson, rosterPath, sendJson, type RosterList as Rosters } from "./api.ts";
import type { Shared } from "./main.tsx";
import type { Words } from "./i18n.ts";
import { ErrorLine, valueOf } from "./alert.tsx";

/** `6838432048 美妆小王` (or a tab or a comma between) a line: ids and their labels, and the
 * numbers of the lines that are not blank yet start with no id (never dropped unsaid). */
export function parseLines(text: string): { kolIds: string[]; labels: Record<string, string>; unread: number[] } {
  const kolIds: string[] = [];
  const labels: Record<string, string> = {};
  const unread: number[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const match = /^\s*(\d+)[\s,，\t]*(.*?)\s*$/.exec(line);
    if (!match) {
      if (line.trim()) unread.push(index + 1);
      continue;
    }
    const [, kolId, label] = match;
    if (kolIds.includes(kolId!)) continue;
    kolIds.push(kolId!);
    if (label) labels[kolId!] = label;
  }
  return { kolIds, labels, unread };
}

/** The creators pasted, or the console's own words for why they cannot be sent. */
export function creatorsOf(text: string, words: Words): { kolIds: string[]; labels: Record<string, string> } {
  const { unread, ...creators } = parseLines(text);
  if (unread.length > 0) throw new Error(words.unreadLines(unread));
  return creators;
}

export function RosterList({ lang, words, onOpen }: Shared & { onOpen: (name: string) => void }) {
  const [rosters, setRosters] = useState<Rosters["rosters"] | null>(null);
  const [name, setName] = useState("");
  const [lines, setLines] = useState("");
  const [error, setError] = useState<unknown>(null);
  const load = () => getJson<Rosters>("/v1/rosters").then((list) => setRosters(list.rosters), setError);
  useEffect(() => void load(), []);
  const create = async (event: Event) => {
    event.preventDefault();
    const wanted = name.trim().normalize("NFC");
    try {
      // PUT replaces a roster of the name: a new roster never takes the place of one already kept.
      if (!wanted) throw new Error(words.nameNeeded);
      if (rosters?.some((roster) => roster.name === wanted)) throw new Error(words.nameTaken(wanted));
      await sendJson("PUT", rosterPath(wanted), creatorsOf(lines, words));
      setError(null);
      onOpen(wanted);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <section class="card">
        <h2>{words.rosters}</h2>
        {rosters === null ? (
          <p>{words.loading}</p>
        ) : (
          <ul class="rosters">
            {rosters.map((roster) => (
              <li>
                <button type="button" class="link" onClick={() => onOpen(roster.name)}>
                  {roster.name}
                </button>{" "}
                <span class="muted">{words.creatorCount(roster.size)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <form class="card" onSubmit={create}>
        <h2>{words.newRoster}</h2>
        <label for="roster-name">{words.rosterName}</label>
        <input id="roster-name" aria-describedby="roster-name-hint" value={name} onInput={(event: Event) => setName(valueOf(event))} />
        <p id="roster-name-hint" class="hint">
          {words.rosterNameHint}
        </p>
        <label for="roster-lines">{words.creatorsLines}</label>
        <textarea id="roster-lines" rows={6} value={lines} onInput={(event: Event) => setLines(valueOf(event))} />
        <button type="submit">{words.create}</button>
        <ErrorLine error={error} lang={lang} />
      </form>
    </>
  );
}
