/**
 * @module The body of every error response (RFC 9457 members plus our own), typed from this
 * schema. The Worker imports only the types (problem.ts builds the bodies); the schema serves the
 * OpenAPI document and the tests, off the data path.
 */
import * as z from "zod/mini";

export const fieldErrorSchema = z.object({
  field: z.string(),
  in: z.optional(z.enum(["path", "query", "header", "body"])),
  rule: z.string(),
  message: z.string(),
});

/** One violated rule of one input field. */
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** The body of every error response: RFC 9457 members plus our own. */
export const problemSchema = z.object({
  type: z.string().check(z.startsWith("/problems/")),
  title: z.string(),
  status: z.int().check(z.minimum(400), z.maximum(599)),
  detail: z.string(),
  /** The problem in one short line of Simplified Chinese, when the request asks for Chinese (`lang=zh-CN`, or `Accept-Language`). */
  zh: z.optional(z.string()),
  instance: z.string(),
  requestId: z.string().check(z.minLength(1)),
  errors: z.optional(z.array(fieldErrorSchema)),
  /** Drop-in route only: the upstream-style business code. */
  code: z.optional(z.int()),
  /** Drop-in route only: the upstream-style message. */
  message: z.optional(z.string()),
});

export type Problem = z.infer<typeof problemSchema>;

/** What a problem `type` URI answers (`GET /problems/{type}`): what it means and what to do. */
export const problemPageSchema = z.object({
  type: z.string().check(z.startsWith("/problems/")),
  title: z.string(),
  status: z.int().check(z.minimum(400), z.maximum(599)),
  meaning: z.string(),
  action: z.string(),
  /** The same in one short line of Simplified Chinese. */
  zh: z.string(),
});

export type ProblemPage = z.infer<typeof problemPageSchema>;
