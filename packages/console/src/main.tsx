/**
 * The console: a page for a team over the gateway's public API (api.ts), in Chinese and English.
 * Sign in with a client key; keep rosters (creators pasted one a line with their names); see a
 * roster's table, chart, downloads and share links; see today's usage. Built by
 * tools/build/console.ts into the static assets, so the Worker's bundle holds none of it.
 */
import { render, useEffect, useState } from "hono/jsx/dom";
import { forgetKey, getJson, saveKey, savedKey, saveLink, savedLink, type KeyInfo } from "./api.ts";
import { SharedView } from "./shared-view.tsx";
import { initialLang, wordsOf, type Lang, type Words } from "./i18n.ts";
import { RosterList } from "./rosters.tsx";
import { RosterView } from "./roster-view.tsx";
import { UsagePanel } from "./usage.tsx";
import { WatchPanel } from "./watch.tsx";
import { KeysPanel } from "./keys.tsx";
import { ErrorLine, valueOf } from "./alert.tsx";

export interface Shared {
  lang: Lang;
  words: Words;
}

/** A share link's token, from a link pasted whole (`https://…/s/<token>.csv` or `/s/<token>`). */
const linkToken = (text: string) => /\/s\/([A-Za-z0-9_-]{48})/.exec(text)?.[1] ?? null;

function SignIn({ lang, words, onSignedIn, onLink }: Shared & { onSignedIn: (info: KeyInfo) => void; onLink: (token: string) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const token = linkToken(key);
    // Anything with a link's path is a link, even cut short: never sent as a key.
    if (token || key.includes("/s/")) {
      // Only a link that opens signs in: a HEAD looks nothing up and buys nothing.
      const head = token ? await fetch(`/s/${token}`, { method: "HEAD" }).catch(() => null) : null;
      return head?.ok ? onLink(token!) : setError(words.badLink);
    }
    saveKey(key.trim());
    try {
      onSignedIn(await getJson<KeyInfo>("/v1/key"));
    } catch (failure) {
      forgetKey();
      setError(failure);
    }
  };
  return (
    <form class="card sign-in" onSubmit={submit}>
      <label for="key">{words.keyLabel}</label>
      <input id="key" type="password" autocomplete="off" value={key} onInput={(event: Event) => setKey(valueOf(event))} />
      <button type="submit">{words.signIn}</button>
      <p class="hint">{words.keyHint}</p>
      <ErrorLine error={error} lang={lang} />
    </form>
  );
}

/** The open roster, as the address's fragment names it (`#/rosters/春季投放`), or none. */
function rosterInAddress(): string | null {
  const named = /^#\/rosters\/(.+)$/.exec(location.hash)?.[1];
  try {
    return named === undefined ? null : decodeURIComponent(named);
  } catch {
    return null;
  }
}

function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [key, setKey] = useState<KeyInfo | null>(null);
  // The open roster lives in the fragment too: a reload, a bookmark and the back button keep the
  // view, and a fragment never reaches a server or a log.
  const [roster, showRoster] = useState<string | null>(rosterInAddress());
  const setRoster = (name: string | null, replace = false) => {
    const address = name === null ? location.pathname : `#/rosters/${encodeURIComponent(name)}`;
    // A renamed roster replaces its old address: going back never reaches a name that is gone.
    if (replace) history.replaceState(null, "", address);
    else history.pushState(null, "", address);
    showRoster(name);
  };
  useEffect(() => {
    const back = () => showRoster(rosterInAddress());
    addEventListener("popstate", back);
    return () => removeEventListener("popstate", back);
  }, []);
  const [link, setLink] = useState<string | null>(savedLink());
  const words = wordsOf(lang);
  useEffect(() => {
    if (savedKey()) getJson<KeyInfo>("/v1/key").then(setKey, forgetKey);
  }, []);
  const signOut = () => {
    forgetKey();
    setKey(null);
    setRoster(null);
    setLink(null);
  };
  const openLink = (token: string) => {
    saveLink(token);
    setLink(token);
  };
  const shared = { lang, words };
  return (
    <>
      <header>
        <h1>{words.title}</h1>
        <nav>
          <button type="button" class="link" onClick={() => setLang(lang === "zh-CN" ? "en" : "zh-CN")}>
            {words.language}
          </button>
          {key || link ? (
            <button type="button" class="link" onClick={signOut}>
              {words.signOut} {key ? `(${key.key})` : ""}
            </button>
          ) : null}
        </nav>
      </header>
      <main>
        {link && !key ? (
          <SharedView {...shared} token={link} />
        ) : !key ? (
          <SignIn lang={lang} words={words} onSignedIn={setKey} onLink={openLink} />
        ) : (
          <>
            <UsagePanel {...shared} keyInfo={key} />
            {roster === null ? (
              <>
                <RosterList {...shared} onOpen={setRoster} />
                {key.permissions.includes("operate") ? <KeysPanel {...shared} self={key.key} /> : null}
              </>
            ) : (
              <>
                <RosterView {...shared} name={roster} onBack={() => setRoster(null)} onRenamed={(name) => setRoster(name, true)} />
                <WatchPanel {...shared} name={roster} />
              </>
            )}
          </>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
