/**
 * The money (`GET /v1/usage`): the signed-in key's day (requests, upstream calls, billed, what is
 * left of its limit), the account's budget and whether the spend guard stopped upstream calls, the
 * cost at the operator's price, and the last 30 days as bars; an operator key may clear the guard
 * (`DELETE /v1/spend-guard`), after a confirmation.
 */
import { useEffect, useState } from "hono/jsx/dom";
import { getJson, remove, type KeyInfo, type Usage } from "./api.ts";
import { ErrorLine } from "./alert.tsx";
import { formatNumber } from "./i18n.ts";
import type { Shared } from "./main.tsx";

/** The 30 days' upstream calls as bars, today last. */
function History({ days, title }: { days: Usage["history"]; title: string }) {
  const most = Math.max(1, ...days.map((day) => day.upstreamCalls));
  return (
    <svg class="history" width="300" height="48" viewBox="0 0 300 48" role="img" aria-label={title}>
      <title>{title}</title>
      {days.map((day, i) => {
        const height = Math.max(1, (day.upstreamCalls / most) * 44);
        return (
          <rect x={i * 10 + 1} y={46 - height} width="8" height={height}>
            <title>{`${day.day}: ${day.upstreamCalls}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function UsagePanel({ lang, words, keyInfo }: Shared & { keyInfo: KeyInfo }) {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const read = () => getJson<Usage>("/v1/usage").then(setUsage, setError);
  useEffect(() => {
    void read();
    const timer = setInterval(read, 15_000);
    return () => clearInterval(timer);
  }, []);
  if (!usage) return <ErrorLine error={error} lang={lang} />;
  const { gateway, cost } = usage;
  const figures: [string, string][] = [
    [words.requests, formatNumber(lang, usage.requests)],
    [words.upstreamCalls, formatNumber(lang, usage.upstreamCalls)],
    [words.billed, formatNumber(lang, usage.billedCalls)],
    [
      words.remaining,
      usage.remainingUpstreamCalls === null
        ? words.unlimited
        : `${formatNumber(lang, usage.remainingUpstreamCalls)} / ${formatNumber(lang, usage.dailyUpstreamCalls)} ${words.calls}`,
    ],
    [words.budget, gateway.budgetRemaining === null ? words.unlimited : `${formatNumber(lang, gateway.budgetRemaining)} ${words.calls}`],
  ];
  if (cost) {
    const money = (amount: number) => formatNumber(lang, amount, { style: "currency", currency: cost.currency });
    figures.push([words.cost, `${money(cost.today)} / ${money(cost.last30Days)}`]);
  }
  const clear = async () => {
    if (!confirm(words.confirmClear)) return;
    await remove("/v1/spend-guard").catch(setError);
    await read();
  };
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
        <div>
          <dt>{words.last30}</dt>
          <dd>
            <History days={usage.history} title={words.last30} />
          </dd>
        </div>
      </dl>
      {gateway.upstreamCalls === "stopped" ? (
        <p class="error" role="status">
          {words.guardStopped(gateway.reason ?? "", gateway.stoppedUntil ?? "")}{" "}
          {keyInfo.permissions.includes("operate") ? (
            <button type="button" onClick={clear}>
              {words.clearGuard}
            </button>
          ) : null}
        </p>
      ) : (
        <p class="muted">{words.guardAllowed}</p>
      )}
      <ErrorLine error={error} lang={lang} />
    </section>
  );
}
