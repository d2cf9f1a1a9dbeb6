/**
 * The webhook signer (HMAC-SHA256 from Node's one-shot hashes) against the `standardwebhooks` package: the same signature
 * byte for byte over varied ids, times and bodies (multi-byte characters included), a header that
 * package's verifier accepts with either secret during a rotation, and one it refuses after a
 * byte of the body changed.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createSigner, signatureHeader } from '../../src/modules/webhooks/webhook-signature.ts';
import { newSigningSecret } from '../../src/modules/webhooks/webhook-secrets.ts';

const bodies = [
  '',
  '{}',
  JSON.stringify({ type: 'ping', timestamp: new Date(0).toISOString(), data: {} }),
  JSON.stringify({ type: 'enrollment_token.created', data: { name: 'Zoë Ñúñez — 東京 🚀', note: 'x'.repeat(5000) } }),
  randomBytes(3000).toString('latin1'),
];

describe('webhook signatures', () => {
  it('signs exactly as the standardwebhooks package does', () => {
    for (let round = 0; round < 20; round++) {
      const secret = newSigningSecret();
      const ours = createSigner(secret);
      const theirs = new Webhook(secret);
      for (const body of bodies) {
        const id = `msg_${randomUUID()}`;
        const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 1e11));
        assert.equal(ours.sign(id, at, body), theirs.sign(id, at, body));
      }
    }
  });

  it('signs with keys of any length as the package does (longer than a 64-byte block: hashed first)', () => {
    for (const length of [1, 24, 63, 64, 65, 100, 200]) {
      const secret = `whsec_${randomBytes(length).toString('base64')}`;
      const at = new Date();
      for (const body of bodies) assert.equal(createSigner(secret).sign('msg_key', at, body), new Webhook(secret).sign('msg_key', at, body), `a ${length}-byte key`);
    }
  });

  it('accepts a secret with or without its whsec_ prefix', () => {
    const secret = newSigningSecret();
    const at = new Date();
    assert.equal(createSigner(secret.slice('whsec_'.length)).sign('msg_1', at, '{}'), createSigner(secret).sign('msg_1', at, '{}'));
  });

  it('makes a header the package verifies with either secret of a rotation, and refuses a changed body', () => {
    const previous = newSigningSecret();
    const current = newSigningSecret();
    const at = new Date();
    const body = bodies[3]!;
    const headers = {
      'webhook-id': 'msg_rotation',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signatureHeader([createSigner(current), createSigner(previous)], 'msg_rotation', at, body),
    };
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    for (const secret of [current, previous]) assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.throws(() => new Webhook(current).verify(body.replace('Zoë', 'Zoe'), headers), /No matching signature/);
    assert.throws(() => new Webhook(newSigningSecret()).verify(body, headers), /No matching signature/);
  });
});
