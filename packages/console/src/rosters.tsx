/** The key's rosters, and a new one from pasted lines (`id name`, one creator a line). */
import { useEffect, useState } from "hono/jsx/dom";
import { ApiError, getJson, rosterPath, sendJson, type RosterList as Rosters } from "./api.ts";
import type { Shared } from "./main.tsx";
import { ErrorLine, errorText, valueOf } from "./alert.tsx";

/** `6838432048 美妆小王` (or a tab or a comma between) a line: ids and their labels. */
export function parseLines(text: string): { kolIds: string[]; labels: Record<string, string> } {
  const kolIds: string[] = [];
  const labels: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(\d+)[\s,，\t]*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, kolId, label] = match;
    if (kolIds.includes(kolId!)) continue;
    kolIds.push(kolId!);
    if (label) labels[kolId!] = label;
  }
  return { kolIds, labels };
}

export function RosterList({ words, onOpen }: Shared & { onOpen: (name: string) => void }) {
  const [rosters, setRosters] = useState<Rosters["rosters"] | null>(null);
  const [name, setName] = useState("");
  const [lines, setLines] = useState("");
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    getJson<Rosters>("/v1/rosters").then(
      (list) => setRosters(list.rosters),
      (failure: ApiError) => setError(failure.detail),
    );
  useEffect(() => void load(), []);
  const create = async (event: Event) => {
    event.preventDefault();
    try {
      await sendJson("PUT", rosterPath(name.trim()), parseLines(lines));
      setError(null);
      onOpen(name.trim().normalize("NFC"));
    } catch (failure) {
      setError(errorText(failure));
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
                <span class="muted">
                  {roster.size} {words.creators}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <form class="card" onSubmit={create}>
        <h2>{words.newRoster}</h2>
        <label for="roster-name">{words.rosterName}</label>
        <input id="roster-name" value={name} onInput={(event: Event) => setName(valueOf(event))} />
        <label for="roster-lines">{words.creatorsLines}</label>
        <textarea id="roster-lines" rows={6} value={lines} onInput={(event: Event) => setLines(valueOf(event))} />
        <button type="submit">{words.create}</button>
        <ErrorLine error={error} />
      </form>
    </>
  );
}
