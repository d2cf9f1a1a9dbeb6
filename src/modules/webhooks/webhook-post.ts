/**
 * One webhook POST through undici's dispatcher, answering the status and at most `maxBytes` of
 * the response body; the connection is dropped once that much has arrived. Redirects are not
 * followed (no interceptor is installed: a 3xx is just an answer). It rejects on a network error
 * and, with a TimeoutError, when the whole exchange (waiting for a connection, sending, the
 * answer's headers and kept body) takes longer than `timeoutMs`.
 *
 * Why not undici's `request()`: each call makes a Readable stream for the body, an async
 * resource and, for the timeout, an AbortSignal with its own timer and listeners, and the body is
 * then read through an async iterator. A worker posts thousands of these a second and keeps one
 * kilobyte of each answer; this handler keeps a buffer and a plain timer
 * (bench/webhooks.ts measures the difference as part of a delivery's CPU).
 */
import type { Dispatcher } from 'undici';

export interface WebhookAnswer {
  statusCode: number;
  /** The first `maxBytes` of the body, as UTF-8. */
  body: string;
}

export interface WebhookPost {
  url: URL;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxBytes: number;
}

function timeoutError(timeoutMs: number): Error {
  return new DOMException(`no answer within ${timeoutMs / 1000} s`, 'TimeoutError');
}

export function postWebhook(dispatcher: Dispatcher, post: WebhookPost): Promise<WebhookAnswer> {
  return new Promise<WebhookAnswer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let kept = 0;
    let statusCode = 0;
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;

    function settle(error: Error | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ statusCode, body: kept === 0 ? '' : Buffer.concat(parts).subarray(0, post.maxBytes).toString('utf8') });
    }

    const timer = setTimeout(() => {
      const error = timeoutError(post.timeoutMs);
      settle(error);
      controller?.abort(error); // not started yet: onRequestStart aborts it
    }, post.timeoutMs);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (settled) started.abort(timeoutError(post.timeoutMs));
      },
      onResponseStart(_controller, status) {
        if (status >= 200) statusCode = status; // 1xx answers are interim
      },
      onResponseData(current, chunk) {
        if (settled) return;
        parts.push(chunk);
        kept += chunk.length;
        if (kept >= post.maxBytes) {
          // Enough of the answer is kept: the rest is not read, and the connection goes with it.
          settle(null);
          current.abort(new Error('the rest of the response body is not read'));
        }
      },
      onResponseEnd() {
        settle(null);
      },
      onResponseError(_controller, error) {
        settle(error);
      },
    };
    try {
      dispatcher.dispatch({ origin: post.url.origin, path: `${post.url.pathname}${post.url.search}`, method: 'POST', headers: post.headers, body: post.body }, handler);
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
