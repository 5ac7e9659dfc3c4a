/**
 * @module Structured logging: one JSON object per line, so Workers Logs can index the fields.
 *
 * Callers pass fields they chose; nothing here stringifies a request URL or headers, which is
 * how client credentials and the upstream token stay out of the logs.
 */
export type LogFields = Record<string, unknown>;
export type LogSink = (fields: LogFields) => void;

export const consoleSink: LogSink = (fields) => {
  const line = JSON.stringify({ time: new Date().toISOString(), ...fields });
  if (fields.level === "error") console.error(line);
  else if (fields.level === "warn") console.warn(line);
  else console.log(line);
};
