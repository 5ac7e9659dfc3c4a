/** What the console's views share: a problem's words as the page shows them, and a field's value. */
import { ApiError } from "./api.ts";

/** A failure as a person reads it: the problem's detail, never a stack or raw JSON. */
export const errorText = (failure: unknown) => (failure instanceof ApiError ? failure.detail : String(failure));

/** The value an input or a text area holds after an input event. */
export const valueOf = (event: Event) => (event.target as HTMLInputElement | HTMLTextAreaElement).value;

/** The view's error, announced to screen readers; nothing when there is none. */
export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}
