import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { logOptions } from '../../src/lib/log-options.ts';

const KEY = 'enrd_XvY7CxBmUJibYctDjMOdwtMESuW7tLBy82G9pczH4eg';

function logger() {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { log: pino(logOptions('trace'), stream), entries: () => lines.map((line) => JSON.parse(line)) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('log options', () => {
  it('scrub message strings, as the email worker builds them from an SMTP error', async () => {
    const { log, entries } = logger();
    log.warn(`invitation <x@y> attempt 1 failed: 554 rejected https://mdm.example.com/enroll/apple/7K3M9QX2VD4R for ${KEY}`);
    await tick();
    assert.equal(entries()[0].msg, 'invitation <x@y> attempt 1 failed: 554 rejected https://mdm.example.com/enroll/apple/[code] for enrd_[redacted]');
  });

  it('scrub error objects, keeping their type, message and stack', async () => {
    const { log, entries } = logger();
    const error = Object.assign(new Error('WRONGPASS invalid username-password pair'), { command: { name: 'auth', args: ['nobody', 'S3cret'] } });
    log.warn({ err: error }, 'rate-limit store (Redis) unavailable');
    await tick();
    const { err } = entries()[0];
    assert.equal(err.message, 'WRONGPASS invalid username-password pair');
    assert.match(err.stack, /^Error: WRONGPASS/);
    assert.deepEqual(err.command, { name: 'auth', args: '[redacted]' });
    assert.equal(JSON.stringify(entries()).includes('S3cret'), false);
  });

  it('censor credential headers and redact request URLs', async () => {
    const { log, entries } = logger();
    log.info({ req: { method: 'GET', url: '/enroll/apple/7K3M9QX2VD4R/profile', ip: '127.0.0.1' } }, 'incoming request');
    log.info({ headers: { authorization: `Bearer ${KEY}`, cookie: 'session=abc', accept: '*/*' } }, 'headers');
    await tick();
    assert.equal(entries()[0].req.url, '/enroll/apple/[code]/profile');
    assert.deepEqual(entries()[1].headers, { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' });
  });
});
