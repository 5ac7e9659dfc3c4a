/** What the console's views share: a failure's words as the page shows them, and a field's value. */
import { ApiError } from "./api.ts";
import type { Lang } from "./i18n.ts";

/**
 * A failure as a person reads it, in the page's language: in Chinese, the problem type's own line
 * first, then the gateway's detail (which names the field, the limit, the time); never a stack or
 * raw JSON. A string is the console's own words, already in the page's language.
 */
export function errorText(failure: unknown, lang: Lang): string {
  if (failure instanceof ApiError) return lang === "zh-CN" && failure.zh ? `${failure.zh}（${failure.detail}）` : failure.detail;
  return failure instanceof Error ? failure.message : String(failure);
}

/** The value an input or a text area holds after an input event. */
export const valueOf = (event: Event) => (event.target as HTMLInputElement | HTMLTextAreaElement).value;

/** The view's error, announced to screen readers; nothing when there is none. */
export function ErrorLine({ error, lang }: { error: unknown; lang: Lang }) {
  return error ? (
    <p class="error" role="alert">
      {errorText(error, lang)}
    </p>
  ) : null;
}
