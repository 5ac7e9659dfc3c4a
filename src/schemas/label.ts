/**
 * @module A creator's label, the name people read for a creator (a roster's labels, a chart's
 * title): its own module, so that the request schemas and the roster schemas both take it.
 */
import * as z from "zod/mini";
import { rule } from "./rule.ts";

/** One spelling per text: the same name typed on two systems (composed or decomposed) is one. */
export const nfc = (value: string) => value.normalize("NFC");

/** Characters a label is at most (a Douyin nickname is at most 20; room for a note beside it). */
export const MAX_LABEL_LENGTH = 40;

/** A creator's label in a roster (its nickname, say): any text a person reads, without control or
 * invisible formatting characters, trimmed and normalised (NFC). */
export const labelSchema = z.pipe(
  z.string().check(
    z.refine(
      (value) => {
        const label = nfc(value.trim());
        return label.length > 0 && [...label].length <= MAX_LABEL_LENGTH && !/\p{C}/u.test(label);
      },
      rule("label", `must be 1 to ${MAX_LABEL_LENGTH} characters of text, without control characters`),
    ),
    z.meta({ description: `A name people read for the creator (any script, 1 to ${MAX_LABEL_LENGTH} characters).`, examples: ["李佳琦"] }),
  ),
  z.transform((value: string) => nfc(value.trim())),
);
