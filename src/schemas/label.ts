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

/** The joiners that shape what is seen (an emoji's ZWJ sequence such as 👩‍💻, a Persian word's
 * ZWNJ): the only format characters a name keeps. */
const JOINERS = /[\u200C\u200D]/gu;
/** What a name may not hold: control, format (bidirectional overrides, zero-width spaces), private
 * and unassigned characters, line and paragraph separators, and the characters that show nothing
 * though Unicode counts them as letters or marks (the Hangul fillers, the combining grapheme
 * joiner, the blank Braille pattern): a name made of them looks empty, or like another name. */
const HIDDEN = /[\p{C}\p{Zl}\p{Zp}\u034F\u115F\u1160\u3164\uFFA0\u2800]/u;
/** Whether `text` holds what hides what it says (HIDDEN), the shaping joiners aside: a name's rule,
 * and a share link's note's. */
export const hidesText = (text: string) => HIDDEN.test(text.replace(JOINERS, ""));

/** At least one character that shows: a letter, a digit, a mark of punctuation or a symbol. */
const SHOWN = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** A creator's label in a roster (its nickname, say): any text a person reads, without control or
 * invisible characters, trimmed and normalised (NFC). */
export const labelSchema = z.pipe(
  z.string().check(
    z.refine(
      (value) => {
        const label = nfc(value.trim());
        return [...label].length <= MAX_LABEL_LENGTH && !hidesText(label) && SHOWN.test(label);
      },
      rule("label", `must be 1 to ${MAX_LABEL_LENGTH} characters of text, without control or invisible characters`),
    ),
    z.meta({ description: `A name people read for the creator (any script, 1 to ${MAX_LABEL_LENGTH} characters).`, examples: ["李佳琦"] }),
  ),
  z.transform((value: string) => nfc(value.trim())),
);
