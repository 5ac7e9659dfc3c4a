/**
 * Client keys, for operator keys (`/v1/keys`): list them, make one for a teammate (its key shown
 * once), revoke one after a confirmation.
 */
import { useEffect, useState } from "hono/jsx/dom";
import { getJson, remove, sendJson } from "./api.ts";
import type { Shared } from "./main.tsx";
import { ErrorLine, valueOf } from "./alert.tsx";

interface KeyView {
  name: string;
  tier: "standard" | "bulk";
  permissions: string[];
  created: string;
  disabled: boolean;
  dailyUpstreamCalls: number;
  rotating: boolean;
}

export function KeysPanel({ lang, words, self }: Shared & { self: string }) {
  const [keys, setKeys] = useState<KeyView[]>([]);
  const [name, setName] = useState("");
  const [tier, setTier] = useState<"standard" | "bulk">("standard");
  const [refresh, setRefresh] = useState(false);
  const [operate, setOperate] = useState(false);
  const [limit, setLimit] = useState("0");
  /** The key just made, shown until it is hidden, revoked or another is made: it is never shown again. */
  const [made, setMade] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fail = (failure: unknown) => setError(failure);
  const load = () => getJson<{ keys: KeyView[] }>("/v1/keys").then((list) => setKeys(list.keys), fail);
  useEffect(() => void load(), []);

  const create = async (event: Event) => {
    event.preventDefault();
    const permissions = [...(refresh ? ["refresh"] : []), ...(operate ? ["operate"] : [])];
    try {
      const created = await sendJson<{ key: string }>("POST", "/v1/keys", {
        name,
        tier,
        permissions,
        dailyUpstreamCalls: Number(limit) || 0,
      });
      setMade({ name, key: created.key });
      setName("");
      setError(null);
      await load();
    } catch (failure) {
      fail(failure);
    }
  };
  /** Starts (or finishes) a rotation of the key's webhook secret: both secrets are valid until it finishes. */
  const rotate = async (key: string, finish: boolean) => {
    await sendJson("POST", `/v1/keys/${encodeURIComponent(key)}/webhook-secret`, finish ? { finish } : {}).then(() => setError(null), fail);
    await load();
  };
  const revoke = async (key: string) => {
    if (!confirm(words.confirmRevoke(key))) return;
    await remove(`/v1/keys/${encodeURIComponent(key)}`).catch(fail);
    if (made?.name === key) setMade(null);
    await load();
  };

  return (
    <form class="card keys" onSubmit={create}>
      <h2>{words.keys}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{words.keyName}</th>
              <th>{words.tier}</th>
              <th>{words.permissions}</th>
              <th>{words.dailyLimit}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr>
                <td>{key.name}</td>
                <td>{words.tiers[key.tier]}</td>
                <td>
                  {key.permissions
                    .map((permission) => words.permissionNames[permission as "refresh" | "operate"] ?? permission)
                    .join(words.listSeparator) || "–"}
                </td>
                <td class="number">{key.dailyUpstreamCalls || words.defaultLimit}</td>
                <td>
                  {key.disabled ? (
                    <span class="muted">{words.revoked}</span>
                  ) : (
                    <>
                      {/* One rotation at a time: finishing is offered while one is under way, starting otherwise. */}
                      <button type="button" class="link" onClick={() => rotate(key.name, key.rotating)}>
                        {key.rotating ? words.finishRotation : words.rotateSecret}
                      </button>{" "}
                      {key.name === self ? null : (
                        <button type="button" class="link" onClick={() => revoke(key.name)}>
                          {words.revoke}
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label for="key-name">{words.keyName}</label>
      <input id="key-name" aria-describedby="key-name-hint" value={name} onInput={(event: Event) => setName(valueOf(event))} />
      <p id="key-name-hint" class="hint">
        {words.keyNameHint}
      </p>
      <label for="key-tier">{words.tier}</label>
      <select id="key-tier" onChange={(event: Event) => setTier(valueOf(event) as "standard" | "bulk")}>
        <option value="standard" selected={tier === "standard"}>
          {words.tiers.standard}
        </option>
        <option value="bulk" selected={tier === "bulk"}>
          {words.tiers.bulk}
        </option>
      </select>
      <label>
        <input type="checkbox" checked={refresh} onChange={(event: Event) => setRefresh((event.target as HTMLInputElement).checked)} />{" "}
        {words.permissionNames.refresh}
      </label>
      <label>
        <input type="checkbox" checked={operate} onChange={(event: Event) => setOperate((event.target as HTMLInputElement).checked)} />{" "}
        {words.permissionNames.operate}
      </label>
      <label for="key-limit">{words.dailyLimit}</label>
      <input id="key-limit" inputmode="numeric" value={limit} onInput={(event: Event) => setLimit(valueOf(event))} />
      <button type="submit">{words.createKey}</button>
      {made ? (
        <p class="share" role="status">
          {words.newKeyOnce} <code class="new-key">{made.key}</code>{" "}
          <button type="button" class="link" onClick={() => void navigator.clipboard.writeText(made.key).catch(() => undefined)}>
            {words.copy}
          </button>{" "}
          <button type="button" class="link" onClick={() => setMade(null)}>
            {words.keyCopied}
          </button>
        </p>
      ) : null}
      <ErrorLine error={error} lang={lang} />
    </form>
  );
}
