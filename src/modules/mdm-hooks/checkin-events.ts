/**
 * The check-in events NanoMDM (-webhook-url) and MicroMDM (-command-webhook-url) post, read into
 * what enrolld acts on. Both send `{topic, event_id, created_at, checkin_event}`, where
 * `checkin_event` has the device's `udid`, the query of the URL it checked in at as `url_params`
 * (the profile puts `enrollment=<token id>` there), and the device's own message as `raw_payload`
 * (base64 of an XML property list). NanoMDM adds `ids` and, on TokenUpdate,
 * `token_update_tally`; MicroMDM has neither (and no signature).
 */
import { AppError, type FieldProblem } from '../../errors.ts';
import { loadPlist } from '../../lib/plist.ts';
import type { DeviceIdentity } from '../redemption/redemption.types.ts';

/** The topics enrolld acts on; every other topic (Connect, bootstrap tokens, …) is acknowledged and ignored. */
export const HANDLED_TOPICS = ['mdm.Authenticate', 'mdm.TokenUpdate', 'mdm.CheckOut'] as const;
export type HandledTopic = (typeof HANDLED_TOPICS)[number];

export interface CheckinEvent {
  topic: HandledTopic;
  /** The enrollment token the device's profile names, or null when it names none. */
  tokenId: string | null;
  /** The device (UDID, or EnrollmentID for a User Enrollment). */
  deviceKey: string | null;
  /** What the device reported about itself (Authenticate). */
  identity: DeviceIdentity;
  /** A message of the user channel (it carries UserID): not the device's enrollment. */
  userChannel: boolean;
}

const TOKEN_ID = /^[0-9a-f]{24}$/i;
/** Identifier lengths the device API accepts. */
const MAX_IDENTIFIER = 128;

const problem = (path: string, message: string): AppError => AppError.validation([{ path: `/body${path}`, message } satisfies FieldProblem]);

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, MAX_IDENTIFIER) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The event in `body` (already JSON-parsed), or null for a topic enrolld does not act on. A body
 * that is not such an event is a 400 naming the field: NanoMDM logs it and does not retry.
 */
export async function readCheckinEvent(body: unknown): Promise<CheckinEvent | null> {
  if (!isRecord(body)) throw problem('', 'must be a JSON object (a NanoMDM or MicroMDM webhook event)');
  if (typeof body.topic !== 'string') throw problem('/topic', '"topic" is required and must be a string');
  if (!(HANDLED_TOPICS as readonly string[]).includes(body.topic)) return null;
  const event = body.checkin_event;
  if (!isRecord(event)) throw problem('/checkin_event', '"checkin_event" is required for check-in topics and must be an object');
  if (typeof event.raw_payload !== 'string') throw problem('/checkin_event/raw_payload', '"raw_payload" is required and must be a base64 string');
  const message = await readPlist(event.raw_payload);
  const params = isRecord(event.url_params) ? event.url_params : {};
  const named = text(params.enrollment);
  return {
    topic: body.topic as HandledTopic,
    tokenId: named && TOKEN_ID.test(named) ? named.toLowerCase() : null,
    deviceKey: text(message.UDID) ?? text(event.udid) ?? text(message.EnrollmentID) ?? text(event.enrollment_id) ?? null,
    identity: {
      udid: text(message.UDID) ?? text(event.udid) ?? text(message.EnrollmentID),
      serialNumber: text(message.SerialNumber),
      imei: text(message.IMEI),
      meid: text(message.MEID),
      // ProductName is the hardware model ("iPhone15,2", "Mac14,7"); Model a marketing one.
      model: text(message.ProductName) ?? text(message.Model),
      osVersion: text(message.OSVersion),
      name: text(message.DeviceName),
    },
    userChannel: message.UserID !== undefined,
  };
}

async function readPlist(base64: string): Promise<Record<string, unknown>> {
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  let parsed: unknown;
  // The parser logs what it cannot read; what is plainly no property list is refused before it.
  if (!xml.includes('<plist')) throw problem('/checkin_event/raw_payload', '"raw_payload" must be the base64 of the device\'s XML property list');
  try {
    parsed = (await loadPlist()).parse(xml);
  } catch {
    throw problem('/checkin_event/raw_payload', '"raw_payload" must be the base64 of the device\'s XML property list');
  }
  if (!isRecord(parsed)) throw problem('/checkin_event/raw_payload', '"raw_payload" must hold a property list dictionary');
  return parsed;
}
