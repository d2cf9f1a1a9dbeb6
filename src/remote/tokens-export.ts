/**
 * `enrolld tokens export`: every token of a platform (optionally of one state) as CSV on a stream,
 * page by page from the API (oldest first, so tokens created meanwhile come last rather than
 * shifting pages), written as each page arrives. Quoting is csv-stringify's. The code and link
 * columns are empty for a key without the platform's `…enrollmentToken.readSecret`.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { getData, type RemoteOptions } from './api-client.ts';

export const EXPORT_COLUMNS = [
  'id', 'platform', 'state', 'email', 'name', 'displayName', 'tags', 'language', 'enrollCode', 'enrollmentLink',
  'emailStatus', 'deviceId', 'createdAt', 'expireAt',
] as const;

/** The device field each platform's token answers with (Applivery's names). */
const DEVICE_FIELD: Record<string, string> = { apple: 'admDevice', windows: 'winDeviceId', android: 'emmDeviceId' };
const PAGE_SIZE = 100;

/** The fields of a token as the API answers it that the export reads. */
interface ExportedToken {
  id: string;
  platform: string;
  state: string;
  mdmUser?: { email: string; name: string | null };
  displayName: string;
  tags: string[];
  language: string;
  enrollCode: string | null;
  enrollmentLink: string | null;
  emailDelivery?: { status: string };
  createdAt: string;
  expireAt: string;
  [field: string]: unknown;
}

interface TokenPage {
  items: ExportedToken[];
  nextPage: number | null;
}

export async function exportTokens(remote: RemoteOptions, options: { platform: string; state?: string }, out: Writable): Promise<number> {
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  csv.pipe(out, { end: false });
  let written = 0;
  for (let page: number | null = 1; page !== null; ) {
    const data: TokenPage = await getData<TokenPage>(remote, `mdm/${options.platform}/enterprise/enrollment-tokens`, { page, limit: PAGE_SIZE, sort: 'createdAt', state: options.state });
    for (const token of data.items) {
      const row = {
        id: token.id,
        platform: token.platform,
        state: token.state,
        email: token.mdmUser?.email ?? '',
        name: token.mdmUser?.name ?? '',
        displayName: token.displayName,
        tags: token.tags.join(';'),
        language: token.language,
        enrollCode: token.enrollCode ?? '',
        enrollmentLink: token.enrollmentLink ?? '',
        emailStatus: token.emailDelivery?.status ?? '',
        deviceId: token[DEVICE_FIELD[options.platform]!] ?? '',
        createdAt: token.createdAt,
        expireAt: token.expireAt,
      };
      if (!csv.write(row)) await once(csv, 'drain');
      written++;
    }
    page = data.nextPage;
  }
  csv.end();
  await once(csv, 'end');
  return written;
}
