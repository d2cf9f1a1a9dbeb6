/** SQL for devices and redemption attempts. */
import type { Kysely, Selectable } from 'kysely';
import { decodeJson, encodeJson } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import { columnsOf, prepareQuery } from '../../db/prepared.ts';
import type { Database, DeviceTable, TokenRedemptionTable } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import { toIso } from '../../lib/time.ts';
import type { Platform } from '../organizations/organizations.types.ts';
import type { Device, DeviceIdentity, RedemptionAttempt, RedemptionOutcome } from './redemption.types.ts';

type Db = Kysely<Database>;

function toDevice(row: Selectable<DeviceTable>): Device {
  return {
    id: row.id,
    organizationId: row.organizationId,
    platform: row.platform as Platform,
    tokenId: row.tokenId,
    serialNumber: row.serialNumber,
    udid: row.udid,
    imei: row.imei,
    model: row.model,
    osVersion: row.osVersion,
    createdAt: toIso(row.createdAt),
  };
}

function toAttempt(row: Selectable<TokenRedemptionTable>): RedemptionAttempt {
  return {
    id: row.id,
    tokenId: row.tokenId,
    code: row.code,
    outcome: row.outcome as RedemptionOutcome,
    clientAddress: row.clientAddress,
    device: decodeJson<DeviceIdentity>(row.device),
    createdAt: toIso(row.createdAt),
  };
}

const insertDeviceRow = prepareQuery((db, a: Device) =>
  db.insertInto('devices').values(columnsOf(a, ['id', 'organizationId', 'platform', 'tokenId', 'serialNumber', 'udid', 'imei', 'model', 'osVersion', 'createdAt'])),
);

export async function insertDevice(trx: Db, device: Device): Promise<void> {
  await insertDeviceRow.run(trx, device);
}

export async function findDevice(db: Db, organizationId: string, id: string): Promise<Device | null> {
  const row = await db.selectFrom('devices').selectAll().where('organizationId', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return row ? toDevice(row) : null;
}

export async function listDevices(db: Db, organizationId: string, platform: Platform, page: PageRequest) {
  const query = db.selectFrom('devices').selectAll().where('organizationId', '=', organizationId).where('platform', '=', platform);
  const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt' });
  return { items: rows.map(toDevice), total };
}

interface AttemptRow {
  id: string;
  organizationId: string;
  platform: Platform;
  tokenId: string | null;
  code: string;
  outcome: RedemptionOutcome;
  clientAddress: string | null;
  /** JSON-encoded identity. */
  device: string;
  createdAt: string;
}
const insertAttempt = prepareQuery((db, a: AttemptRow) =>
  db.insertInto('tokenRedemptions').values(columnsOf(a, ['id', 'organizationId', 'platform', 'tokenId', 'code', 'outcome', 'clientAddress', 'device', 'createdAt'])),
);

export async function recordAttempt(db: Db, attempt: Omit<AttemptRow, 'id' | 'device'> & { device: DeviceIdentity }): Promise<void> {
  await insertAttempt.run(db, { id: newId(), ...attempt, device: encodeJson(attempt.device) });
}

export async function listAttempts(db: Db, organizationId: string, tokenId: string, page: PageRequest) {
  const query = db.selectFrom('tokenRedemptions').selectAll().where('organizationId', '=', organizationId).where('tokenId', '=', tokenId);
  const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt' });
  return { items: rows.map(toAttempt), total };
}

/**
 * The one conditional update that decides a redemption: only a PENDING, unexpired token becomes
 * DONE, so of any number of concurrent attempts exactly one changes the row.
 */
const claim = prepareQuery((db, a: { tokenId: string; deviceId: string; now: string }) =>
  db
    .updateTable('enrollmentTokens')
    .set({ state: 'DONE', deviceId: a.deviceId, updatedAt: a.now })
    .where('id', '=', a.tokenId)
    .where('state', '=', 'PENDING')
    .where('expireAt', '>', a.now),
);

export async function claimToken(trx: Db, tokenId: string, deviceId: string, now: string): Promise<boolean> {
  return (await claim.run(trx, { tokenId, deviceId, now })) === 1;
}

