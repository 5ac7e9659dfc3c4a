/**
 * The console: a page for a team over the gateway's public API (api.ts), in Chinese and English.
 * Sign in with a client key; keep rosters (creators pasted one a line with their names); see a
 * roster's table, chart, downloads and share links; see today's usage. Built by
 * tools/build/console.ts into the static assets, so the Worker's bundle holds none of it.
 */
import { render, useEffect, useState } from "hono/jsx/dom";
import { ApiError, forgetKey, getJson, saveKey, savedKey, type KeyInfo } from "./api.ts";
import { initialLang, wordsOf, type Lang, type Words } from "./i18n.ts";
import { RosterList } from "./rosters.tsx";
import { RosterView } from "./roster-view.tsx";
import { UsagePanel } from "./usage.tsx";
import { WatchPanel } from "./watch.tsx";
import { KeysPanel } from "./keys.tsx";

export interface Shared {
  lang: Lang;
  words: Words;
}

function SignIn({ words, onSignedIn }: { words: Words; onSignedIn: (info: KeyInfo) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    saveKey(key.trim());
    try {
      onSignedIn(await getJson<KeyInfo>("/v1/key"));
    } catch (failure) {
      forgetKey();
      setError(failure instanceof ApiError ? failure.detail : String(failure));
    }
  };
  return (
    <form class="card sign-in" onSubmit={submit}>
      <label for="key">{words.keyLabel}</label>
      <input
        id="key"
        type="password"
        autocomplete="off"
        value={key}
        onInput={(event: Event) => setKey((event.target as HTMLInputElement).value)}
      />
      <button type="submit">{words.signIn}</button>
      <p class="hint">{words.keyHint}</p>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [key, setKey] = useState<KeyInfo | null>(null);
  const [roster, setRoster] = useState<string | null>(null);
  const words = wordsOf(lang);
  useEffect(() => {
    if (savedKey()) getJson<KeyInfo>("/v1/key").then(setKey, forgetKey);
  }, []);
  const signOut = () => {
    forgetKey();
    setKey(null);
    setRoster(null);
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
          {key ? (
            <button type="button" class="link" onClick={signOut}>
              {words.signOut} ({key.key})
            </button>
          ) : null}
        </nav>
      </header>
      <main>
        {!key ? (
          <SignIn words={words} onSignedIn={setKey} />
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
                <RosterView {...shared} name={roster} onBack={() => setRoster(null)} />
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
