/**
 * Webhook signatures made on a worker thread, a claimed batch at a time.
 *
 * A worker delivering thousands of webhooks a second spends its event loop on little else than
 * the POSTs and their signatures, and the signatures were the larger part of what enrolld adds
 * to each POST (two SHA-256 hashes over the body: ~13.5 µs of ~110 µs a delivery on the event
 * loop, profiling bench/webhooks.ts on a slow host, where the machine stayed ~20% idle because
 * the event loop was the bottleneck). Here a batch's signatures are made on another core while
 * the event loop posts the previous batch, and the batch arrives at the lanes signed.
 *
 * Signatures are made for one timestamp per batch, when it is claimed; a delivery posted more
 * than RESIGN_AFTER_SECONDS later (a slow destination held its lane) is signed again when posted,
 * so `webhook-timestamp` stays the time of the attempt to within seconds. A batch smaller than
 * `minimum` rows is signed on the event loop: one message each way costs more than it saves.
 * Where the thread cannot run (it failed to start, or died), every batch is signed on the event
 * loop as before: `sign` answers null, and nothing is lost or sent unsigned.
 */
import { Worker } from 'node:worker_threads';
import { padKey, signedHeader } from './webhook-signature.ts';

/** A delivery signed at its batch's claim is signed again when posted this much later. */
export const RESIGN_AFTER_SECONDS = 5;

export interface SigningBatch {
  /** Each endpoint's secrets (`whsec_…`), one list per endpoint of the batch. */
  secrets: string[][];
  /** Per message: the index of its endpoint in `secrets`, its id and its body. */
  messages: Array<[endpoint: number, id: string, payload: string]>;
  /** The Unix seconds every signature of the batch is made for. */
  seconds: number;
}

// Plain CommonJS evaluated from this string, with the signing functions' own source text (see
// webhook-signature.ts), so the thread needs no TypeScript loader. Padded keys are kept by secret
// (bounded: secrets rotate).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const padKey = ${padKey.toString()};
const signedHeader = ${signedHeader.toString()};
const keys = new Map();
function keyOf(secret) {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 1000) keys.clear();
    key = padKey(hash, secret);
    keys.set(secret, key);
  }
  return key;
}
parentPort.on('message', ({ id, batch }) => {
  const endpoints = batch.secrets.map((secrets) => secrets.map(keyOf));
  const headers = batch.messages.map(([endpoint, messageId, payload]) => signedHeader(hash, endpoints[endpoint], messageId, batch.seconds, payload));
  parentPort.postMessage({ id, headers });
});
`;

interface Pending {
  resolve(headers: string[] | null): void;
}

export function createSigningThread(options: { minimum: number }) {
  let worker: Worker | null = null;
  let unavailable = false;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  /** Every request still waiting gets null (its batch is signed on the event loop), and no thread is used again. */
  function fail(): void {
    unavailable = true;
    worker = null;
    for (const request of pending.values()) request.resolve(null);
    pending.clear();
  }

  function thread(): Worker | null {
    if (unavailable) return null;
    if (worker) return worker;
    const started = new Worker(WORKER_SOURCE, { eval: true });
    started.unref(); // held only while a batch is out (see send): an idle signer never keeps the process alive
    started.on('message', (reply: { id: number; headers: string[] }) => {
      const request = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      request?.resolve(reply.headers);
    });
    started.on('error', fail);
    started.on('exit', () => {
      if (worker === started) fail();
    });
    worker = started;
    return started;
  }

  function send(batch: SigningBatch): Promise<string[] | null> {
    const target = thread();
    if (!target) return Promise.resolve(null);
    const id = nextId++;
    if (pending.size === 0) target.ref();
    return new Promise<string[] | null>((resolve) => {
      pending.set(id, { resolve });
      target.postMessage({ id, batch });
    });
  }

  return {
    /**
     * The `webhook-signature` header of each message, in order, or null when the batch is
     * better signed on the event loop (too small, or no thread).
     */
    sign(batch: SigningBatch): Promise<string[] | null> {
      return batch.messages.length < options.minimum ? Promise.resolve(null) : send(batch);
    },

    /** Start the thread now rather than with the first batch (a benchmark, before its clock): one message signed there. */
    async warm(): Promise<void> {
      await send({ secrets: [[`whsec_${Buffer.alloc(24).toString('base64')}`]], messages: [[0, 'msg_warm', '{}']], seconds: 0 });
    },

    async close(): Promise<void> {
      const stopping = worker;
      fail(); // batches still out are signed on the event loop
      if (stopping) await stopping.terminate();
    },
  };
}
