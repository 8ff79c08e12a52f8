/**
 * Requests and responses in memory, for unit tests of HTTP handlers without ports: a request is a PassThrough with a
 * method, URL and headers (its body written by the test); a response records what the handler set, wrote and ended.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";

export type InMemoryRequest = IncomingMessage & PassThrough;

export function inMemoryRequest(init: {
  method: string;
  url: string;
  headers?: Record<string, string>;
}): InMemoryRequest {
  return Object.assign(new PassThrough(), {
    method: init.method,
    url: init.url,
    headers: init.headers ?? {},
  }) as unknown as InMemoryRequest;
}

export interface RecordedAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Everything written, `end`'s chunk included. */
  body: string;
  ended: boolean;
}

/** A response that records the answer; `ended` settles when the handler ends it. */
export function recordingResponse(): { res: ServerResponse; answer: RecordedAnswer; ended: Promise<void> } {
  const answer: RecordedAnswer = { status: 0, headers: {}, body: "", ended: false };
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const res = {
    statusCode: 200,
    writableEnded: false,
    headersSent: false,
    getHeader: (name: string) => answer.headers[name.toLowerCase()],
    setHeader: (name: string, value: unknown) => {
      answer.headers[name.toLowerCase()] = String(value);
    },
    write: (chunk: string | Buffer) => {
      answer.body += chunk.toString();
      return true;
    },
    end: (chunk?: string | Buffer) => {
      answer.body += chunk?.toString() ?? "";
      answer.status = res.statusCode;
      answer.ended = true;
      res.writableEnded = true;
      markEnded();
    },
  };
  return { res: res as unknown as ServerResponse, answer, ended };
}
