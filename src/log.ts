/**
 * @module Structured logging: one JSON object per line, so Workers Logs can index the fields.
 *
 * Callers pass fields they chose; nothing here stringifies a request URL or headers, which is
 * how client credentials and the upstream token stay out of the logs.
 */
import { detailOf, ProblemError } from "./problem.ts";
import { redact } from "./upstream/request.ts";

export type LogFields = Record<string, unknown>;
export type LogSink = (fields: LogFields) => void;

export const consoleSink: LogSink = (fields) => {
  const line = JSON.stringify({ time: new Date().toISOString(), ...fields });
  if (fields.level === "error") console.error(line);
  else if (fields.level === "warn") console.warn(line);
  else console.log(line);
};

const MAX_LOGGED_MESSAGE = 300;

/**
 * An error as log fields: a problem by its type and detail, anything else by its name and
 * message (so a failing cron run says why, not just "Error"), with `secret` masked out.
 */
// Stryker disable next-line StringLiteral: with no secret given, nothing is masked; another default masks only a text no message holds
export function errorFields(error: unknown, secret = ""): LogFields {
  if (error instanceof ProblemError) return { problem: error.problemType, detail: redact(detailOf(error.options), secret) };
  if (error instanceof Error) return { error: error.name, message: redact(error.message, secret).slice(0, MAX_LOGGED_MESSAGE) };
  return { error: typeof error };
}
