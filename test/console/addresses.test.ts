/**
 * How the console reads the addresses an admin pastes or uploads: every separator people use in
 * a paste, and a CSV's email column (or its first), quotes and a byte-order mark included.
 * Nothing is judged here: malformed addresses go to the server, which reports each by name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressesFromCsv, addressesFromText, chunks } from '../../console/src/addresses.ts';

describe('console: the addresses of new tokens', () => {
  it('splits a paste on lines, commas, semicolons and spaces, dropping the empty pieces', () => {
    assert.deepEqual(addressesFromText(' ada@example.com,alan@example.com;\n\n grace@example.com\tnot-an-address \r\n'), [
      'ada@example.com',
      'alan@example.com',
      'grace@example.com',
      'not-an-address',
    ]);
  });

  it("reads a CSV's email column wherever it is, with quotes and a byte-order mark", async () => {
    const csv = '\uFEFFname,Email,team\n"Lovelace, Ada",ada@example.com,eng\nAlan,"alan@example.com",ops\n\nGrace,,eng\n';
    assert.deepEqual(await addressesFromCsv(csv), ['ada@example.com', 'alan@example.com']);
  });

  it('takes the first column of a CSV without an email header, its first row included', async () => {
    assert.deepEqual(await addressesFromCsv('ada@example.com,Ada\nalan@example.com\n'), ['ada@example.com', 'alan@example.com']);
  });

  it('cuts a long list into requests of at most the size, in order', () => {
    const pieces = chunks(Array.from({ length: 2_501 }, (_, index) => index), 1_000);
    assert.deepEqual(pieces.map((piece) => piece.length), [1_000, 1_000, 501]);
    assert.equal(pieces[2]![500], 2_500);
  });
});
