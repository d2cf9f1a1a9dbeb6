import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactRequestUrl, redactSecrets, redactUrl, redactValue } from '../../src/lib/redact.ts';

const KEY = 'enrd_XvY7CxBmUJibYctDjMOdwtMESuW7tLBy82G9pczH4eg';

describe('redactUrl', () => {
  it('hides the password of a URL, keeping the user and the rest', () => {
    assert.equal(redactUrl('smtpx://mailer:S3cretPassw0rd@mail.example.com:25'), 'smtpx://mailer:***@mail.example.com:25');
    assert.equal(redactUrl('postgres://enrolld:pw@db:5432/enrolld?sslmode=require'), 'postgres://enrolld:***@db:5432/enrolld?sslmode=require');
    assert.equal(redactUrl('redis://:S3cret@cache:6379'), 'redis://:***@cache:6379');
  });

  it('hides all of a broken password (an unencoded @, / or space in it)', () => {
    assert.equal(redactUrl('postgres://u:p@ss/w rd@db/x'), 'postgres://u:***@db/x');
    assert.equal(redactUrl('smtp://mailer:S3cret Passw0rd@host'), 'smtp://mailer:***@host');
  });

  it('leaves what has no password as it is', () => {
    for (const text of ['postgres://u@db/x', 'redis://127.0.0.1:6379', 'sqlite:./data/enrolld.sqlite', 'IT <it@example.com>', 'eighty']) {
      assert.equal(redactUrl(text), text);
    }
  });
});

describe('redactSecrets', () => {
  it('hides URL passwords, keys, bearer credentials, enrollment links and PostgreSQL key values in free text', () => {
    assert.equal(
      redactSecrets(`connect to "postgres://u:pw@db/x" failed; key ${KEY}; Authorization: Bearer root-key-0123456789abcdef`),
      'connect to "postgres://u:***@db/x" failed; key enrd_[redacted]; Authorization: Bearer [redacted]',
    );
    assert.equal(
      redactSecrets('550 rejected: see https://mdm.example.com/enroll/apple/7K3M9QX2VD4R/profile and /enroll/android/7k3m-9qx2/qr.png'),
      '550 rejected: see https://mdm.example.com/enroll/apple/[code]/profile and /enroll/android/[code]/qr.png',
    );
    assert.equal(
      redactSecrets('Key (organization_id, enroll_code)=(6b0e, 7K3M9QX2VD4R) already exists.'),
      'Key (organization_id, enroll_code)=([redacted])',
    );
  });

  it('stays linear on hostile text', () => {
    for (const text of ['a://'.repeat(50_000) + '@', 'Key ('.repeat(50_000), `Bearer${' '.repeat(100_000)}`, '/enroll/'.repeat(50_000)]) {
      const started = performance.now();
      redactSecrets(text);
      assert.ok(performance.now() - started < 100, `${text.slice(0, 10)}… took ${performance.now() - started} ms`);
    }
  });
});

describe('redactRequestUrl', () => {
  it('replaces the code of every public link, however it is typed, and drops their query', () => {
    const cases: Array<[string, string]> = [
      ['/enroll/apple/7K3M9QX2VD4R', '/enroll/apple/[code]'],
      ['/enroll/apple/7K3M9QX2VD4R/profile', '/enroll/apple/[code]/profile'],
      ['/enroll/android/7K3M9QX2VD4R/qr.png', '/enroll/android/[code]/qr.png'],
      ['/enroll/windows/7k3m-9qx2-vd4r?lang=es', '/enroll/windows/[code]?[redacted]'],
      ['/enroll/apple/abcdefghjkmn', '/enroll/apple/[code]'],
      ['/enroll/7K3M9QX2VD4R', '/enroll/[code]'],
      ['//enroll//apple/7K3M9QX2VD4R', '//enroll//apple/[code]'],
      ['/ENROLL/apple/7K3M9QX2VD4R', '/ENROLL/apple/[code]'],
      ['/%65nroll/apple/7K3M9QX2VD4R', '/%65nroll/apple/[code]'],
    ];
    for (const [url, logged] of cases) assert.equal(redactRequestUrl(url), logged, url);
  });

  it('keeps API URLs, scrubbing a key pasted into one', () => {
    assert.equal(redactRequestUrl('/v1/organizations/default/mdm/users?search=jane'), '/v1/organizations/default/mdm/users?search=jane');
    assert.equal(redactRequestUrl(`/v1/organizations?token=${KEY}`), '/v1/organizations?token=enrd_[redacted]');
  });
});

describe('redactValue', () => {
  it('scrubs every string of a serialized error and hides credential properties', () => {
    const error = {
      type: 'ReplyError',
      message: 'WRONGPASS invalid username-password pair',
      command: { name: 'auth', args: ['nobody', 'S3cret'] },
      input: 'postgres://u:S3cret@db/x',
      cause: { message: `bad key ${KEY}`, password: 'S3cret' },
    };
    assert.deepEqual(redactValue(error), {
      type: 'ReplyError',
      message: 'WRONGPASS invalid username-password pair',
      command: { name: 'auth', args: '[redacted]' },
      input: 'postgres://u:***@db/x',
      cause: { message: 'bad key enrd_[redacted]', password: '[redacted]' },
    });
  });
});
