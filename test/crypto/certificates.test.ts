/** Splitting an uploaded PEM chain: every block in order, in linear time whatever the text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pemCertificateBlocks } from '../../src/crypto/certificates.ts';

const block = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

describe('pemCertificateBlocks', () => {
  it('finds every block in order and ignores text around them, as openssl does', () => {
    const text = `Bag Attributes\n${block('AAAA')}\nsubject=CN=x\n${block('BBBB')}\n-----BEGIN CERTIFICATE-----\nno end`;
    assert.deepEqual(pemCertificateBlocks(text), [block('AAAA'), block('BBBB')]);
    assert.deepEqual(pemCertificateBlocks('no certificates here'), []);
  });

  it('stays linear on a megabyte of BEGIN lines without an END (a lazy pattern is quadratic there)', () => {
    const crafted = '-----BEGIN CERTIFICATE-----\n'.repeat(40_000);
    const started = performance.now();
    assert.deepEqual(pemCertificateBlocks(crafted), []);
    const elapsed = performance.now() - started;
    // The old pattern spent seconds here; one forward pass takes about a millisecond.
    assert.ok(elapsed < 200, `${elapsed.toFixed(1)} ms`);
  });
});
