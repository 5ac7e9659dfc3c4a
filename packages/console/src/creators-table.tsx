/**
 * A roster's creators as a table people sort by clicking a heading: name, id, latest count, change,
 * change %, a sparkline and anomalous days; creators that could not be read listed below, with why.
 */
import { useState } from "hono/jsx/dom";
import type { Member } from "./api.ts";
import { formatNumber, type Lang, type Words } from "./i18n.ts";

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

export function CreatorsTable({
  lang,
  words,
  members: all,
  onRemove,
  onSelect,
}: {
  lang: Lang;
  words: Words;
  members: Member[];
  onRemove?: (kolId: string) => void;
  /** Shows one creator's own chart. */
  onSelect?: (member: Member) => void;
}) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "change", descending: true });
  const members = [...all];
  const answered = members.filter((member) => member.ok);
  const failed = members.filter((member) => !member.ok);
  answered.sort((a, b) => {
    const [x, y] = [sortValue(a, sort.key), sortValue(b, sort.key)];
    const order = typeof x === "string" ? x.localeCompare(String(y), lang) : x - (y as number);
    return sort.descending ? -order : order;
  });
  const header = (key: SortKey, title: string) => (
    <th aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : "none"}>
      <button
        type="button"
        class="link"
        onClick={() => setSort({ key, descending: sort.key === key ? !sort.descending : key !== "label" })}
      >
        {title}
      </button>
    </th>
  );
  return (
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
            {onRemove ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {answered.map((member) => (
            <tr>
              <td>{member.label ?? "–"}</td>
              <td class="id">
                {onSelect ? (
                  <button type="button" class="link" onClick={() => onSelect(member)}>
                    {member.kolId}
                  </button>
                ) : (
                  member.kolId
                )}
              </td>
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
              {/* A column of its own only where creators can be removed (a share link's view cannot). */}
              {onRemove ? (
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-label={`${words.remove} ${member.label ?? member.kolId}`}
                    onClick={() => onRemove(member.kolId)}
                  >
                    {words.remove}
                  </button>
                </td>
              ) : null}
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
  );
}
