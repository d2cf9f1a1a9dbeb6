/** SQL for devices and redemption attempts. */
import type { ExpressionBuilder, Selectable } from 'kysely';
import { decodeJson, dialectOf, encodeJson } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import { columnsOf, prepareQuery } from '../../db/prepared.ts';
import type { Database, DeviceTable, TokenRedemptionTable } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import { toIso } from '../../lib/time.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import type { AuditOutcome, Device, DeviceIdentity, DeviceStatus, RedemptionAttempt, RedemptionOutcome } from './redemption.types.ts';
import type { Db } from '../../db/database.ts';
import { claimQuery, claimToken } from '../enrollment-tokens/token-state.ts';


function toDevice(row: Selectable<DeviceTable>): Device {
  return {
    id: row.id,
    organizationId: row.organizationId,
    platform: row.platform as Platform,
    tokenId: row.tokenId,
    serialNumber: row.serialNumber,
    udid: row.udid,
    imei: row.imei,
    meid: row.meid,
    model: row.model,
    osVersion: row.osVersion,
    name: row.name,
    status: row.status as DeviceStatus,
    enrolledAt: row.enrolledAt === null ? null : toIso(row.enrolledAt),
    checkedOutAt: row.checkedOutAt === null ? null : toIso(row.checkedOutAt),
    lastSeenAt: row.lastSeenAt === null || row.lastSeenAt === undefined ? null : toIso(row.lastSeenAt),
    providerState: row.providerState ?? null,
    createdAt: toIso(row.createdAt),
  };
}

function toAttempt(row: Selectable<TokenRedemptionTable>): RedemptionAttempt {
  return {
    id: row.id,
    tokenId: row.tokenId,
    code: row.code === '' ? null : row.code,
    outcome: row.outcome as AuditOutcome,
    clientAddress: row.clientAddress,
    device: decodeJson<DeviceIdentity>(row.device),
    detail: row.detail === null ? null : decodeJson<Record<string, unknown>>(row.detail),
    createdAt: toIso(row.createdAt),
  };
}

const insertDeviceRow = prepareQuery((db, a: Device) =>
  db.insertInto('devices').values(columnsOf(a, ['id', 'organizationId', 'platform', 'tokenId', 'serialNumber', 'udid', 'imei', 'meid', 'model', 'osVersion', 'name', 'createdAt'])),
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

const insertLifecycleEntry = prepareQuery((db, a: AttemptRow & { detail: string }) =>
  db.insertInto('tokenRedemptions').values(columnsOf(a, ['id', 'organizationId', 'platform', 'tokenId', 'code', 'outcome', 'clientAddress', 'device', 'detail', 'createdAt'])),
);

/** An audit entry: a redemption attempt, or (with `detail`) what the SCEP CA or the MDM server reported. */
export async function recordAttempt(
  db: Db,
  attempt: Omit<AttemptRow, 'id' | 'device' | 'outcome'> & { outcome: AuditOutcome; device: DeviceIdentity; detail?: Record<string, unknown> | null },
): Promise<void> {
  const { detail, ...row } = attempt;
  const values = { id: newId(), ...row, outcome: row.outcome as RedemptionOutcome, device: encodeJson(attempt.device) };
  if (detail) await insertLifecycleEntry.run(db, { ...values, detail: encodeJson(detail) });
  else await insertAttempt.run(db, values);
}

/**
 * Move a device's MDM status from one of `from` to `to`, when `udid` is the device's (case
 * ignored); null when nothing changed (another device, or the status already reached).
 */
export async function moveDeviceStatus(
  db: Db,
  a: { organizationId: string; deviceId: string; udid: string; from: DeviceStatus[]; to: DeviceStatus; at: string },
): Promise<Device | null> {
  const timestamps = a.to === 'ENROLLED' ? { enrolledAt: a.at } : a.to === 'CHECKED_OUT' ? { checkedOutAt: a.at } : {};
  const result = await db
    .updateTable('devices')
    .set({ status: a.to, ...timestamps })
    .where('organizationId', '=', a.organizationId)
    .where('id', '=', a.deviceId)
    .where('status', 'in', a.from)
    .where((eb) => eb(eb.fn('lower', ['udid']), '=', a.udid.toLowerCase()))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? findDevice(db, a.organizationId, a.deviceId) : null;
}

/** The provider's last report of a device (AMAPI STATUS_REPORT): when, and the state it gives. Answers whether a device matched. */
export async function recordDeviceReport(db: Db, a: { organizationId: string; platform: string; udid: string; seenAt: string; state: string | null }): Promise<boolean> {
  const result = await db
    .updateTable('devices')
    .set({ lastSeenAt: a.seenAt, providerState: a.state })
    .where('organizationId', '=', a.organizationId)
    .where('platform', '=', a.platform)
    .where('udid', '=', a.udid)
    .where((eb) => eb.or([eb('lastSeenAt', 'is', null), eb('lastSeenAt', '<=', a.seenAt)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listAttempts(db: Db, organizationId: string, tokenId: string, page: PageRequest) {
  const query = db.selectFrom('tokenRedemptions').selectAll().where('organizationId', '=', organizationId).where('tokenId', '=', tokenId);
  const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt' });
  return { items: rows.map(toAttempt), total };
}


/** A parameter in a SELECT list, typed (it has no type of its own there). */
type AnyBuilder = ExpressionBuilder<Database, keyof Database>;
const typed = (eb: AnyBuilder, value: unknown, type: 'text' | 'timestamptz' | 'jsonb') => eb.cast<string>(eb.val(value), type);
const text = (eb: AnyBuilder, value: unknown) => typed(eb, value, 'text');

/** A won redemption's rows: the device and the audit row (outcome REDEEMED). */
export type WonRedemption = Device & { code: string; clientAddress: string | null; identity: string; attemptId: string };

/**
 * PostgreSQL: the token's claim (its SQL is the token module's), the device row and the audit row in one statement (each insert reads
 * the row before it, so nothing is written unless the claim changed the token). One round trip
 * instead of a transaction's five; a single statement commits whole or not at all.
 */
const claimAndRecord = prepareQuery((db, a: WonRedemption) =>
  db
    .with('claimedToken', (qb) => claimQuery(qb, { tokenId: a.tokenId!, deviceId: a.id, now: a.createdAt }).returning('id'))
    .with('enrolledDevice', (qb) =>
      qb
        .insertInto('devices')
        .columns(['id', 'organizationId', 'platform', 'tokenId', 'serialNumber', 'udid', 'imei', 'meid', 'model', 'osVersion', 'name', 'createdAt'])
        .expression((eb) =>
          eb
            .selectFrom('claimedToken')
            .select([
              text(eb, a.id).as('id'),
              text(eb, a.organizationId).as('organizationId'),
              text(eb, a.platform).as('platform'),
              'claimedToken.id as tokenId',
              text(eb, a.serialNumber).as('serialNumber'),
              text(eb, a.udid).as('udid'),
              text(eb, a.imei).as('imei'),
              text(eb, a.meid).as('meid'),
              text(eb, a.model).as('model'),
              text(eb, a.osVersion).as('osVersion'),
              text(eb, a.name).as('name'),
              typed(eb, a.createdAt, 'timestamptz').as('createdAt'),
            ]),
        )
        .returning(['id', 'tokenId']),
    )
    .insertInto('tokenRedemptions')
    .columns(['id', 'organizationId', 'platform', 'tokenId', 'code', 'outcome', 'clientAddress', 'device', 'createdAt'])
    .expression((eb) =>
      eb
        .selectFrom('enrolledDevice')
        .select([
          text(eb, a.attemptId).as('id'),
          text(eb, a.organizationId).as('organizationId'),
          text(eb, a.platform).as('platform'),
          'enrolledDevice.tokenId as tokenId',
          text(eb, a.code).as('code'),
          text(eb, 'REDEEMED').as('outcome'),
          text(eb, a.clientAddress).as('clientAddress'),
          typed(eb, a.identity, 'jsonb').as('device'),
          typed(eb, a.createdAt, 'timestamptz').as('createdAt'),
        ]),
    )
    .returning('id'),
);

/**
 * Claim the token for `device` and record the won attempt, all or nothing. False when the token
 * was no longer PENDING and unexpired (another attempt won, it expired, it was revoked): then
 * nothing was written and the caller settles the attempt. PostgreSQL does it in one statement;
 * SQLite, which cannot write inside WITH and has no round trips to save, in a transaction (the
 * caller's, when `db` is one).
 */
export async function claimAndRecordWin(db: Db, won: Omit<WonRedemption, 'attemptId' | 'identity'> & { identity: DeviceIdentity }): Promise<boolean> {
  const args: WonRedemption = { ...won, identity: encodeJson(won.identity), attemptId: newId() };
  if (dialectOf(db) === 'postgres') return (await claimAndRecord.first(db, args)) !== undefined;
  const write = async (trx: Db) => {
    if (!(await claimToken(trx, { tokenId: args.tokenId!, deviceId: args.id, now: args.createdAt }))) return false;
    await insertDevice(trx, args);
    await insertAttempt.run(trx, {
      id: args.attemptId,
      organizationId: args.organizationId,
      platform: args.platform,
      tokenId: args.tokenId,
      code: args.code,
      outcome: 'REDEEMED',
      clientAddress: args.clientAddress,
      device: args.identity,
      createdAt: args.createdAt,
    });
    return true;
  };
  // Inside the caller's transaction when given one (the won attempt's webhook event shares it).
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

