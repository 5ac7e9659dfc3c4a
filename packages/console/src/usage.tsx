/** Today's usage of the signed-in key (`GET /v1/usage`): what its requests cost and what is left. */
import { useEffect, useState } from "hono/jsx/dom";
import { getJson, type Usage } from "./api.ts";
import { formatNumber } from "./i18n.ts";
import type { Shared } from "./main.tsx";

export function UsagePanel({ lang, words }: Shared) {
  const [usage, setUsage] = useState<Usage | null>(null);
  useEffect(() => {
    const read = () => getJson<Usage>("/v1/usage").then(setUsage, () => undefined);
    void read();
    const timer = setInterval(read, 15_000);
    return () => clearInterval(timer);
  }, []);
  if (!usage) return null;
  const figures: [string, string][] = [
    [words.requests, formatNumber(lang, usage.requests)],
    [words.upstreamCalls, formatNumber(lang, usage.upstreamCalls)],
    [words.billed, formatNumber(lang, usage.billedCalls)],
    [words.remaining, usage.remainingUpstreamCalls === null ? words.unlimited : formatNumber(lang, usage.remainingUpstreamCalls)],
  ];
  return (
    <section class="card usage" aria-label={words.usage}>
      <h2>{words.usage}</h2>
      <dl>
        {figures.map(([name, value]) => (
          <div>
            <dt>{name}</dt>
            <dd data-figure={name}>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
