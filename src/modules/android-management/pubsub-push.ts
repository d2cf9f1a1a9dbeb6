/**
 * Google Cloud Pub/Sub push requests carrying Android Management API notifications:
 * `{"message": {"attributes": {"notificationType": "ENROLLMENT"}, "data": "<base64 JSON>",
 * "messageId": "…", "publishTime": "…"}, "subscription": "projects/…/subscriptions/…"}`. For
 * ENROLLMENT and STATUS_REPORT, `data` is the Device resource.
 */

export interface PushMessage {
  messageId: string;
  notificationType: string | null;
  /** The decoded `data` as JSON, or null when it is not. */
  data: unknown;
  publishTime: string | null;
}

/** The Device fields enrolld reads. */
export interface AndroidDevice {
  /** enterprises/…/devices/… */
  name: string;
  enrollmentTokenName: string | null;
  enrollmentTokenData: string | null;
  state: string | null;
  lastStatusReportTime: string | null;
  serialNumber: string | null;
  model: string | null;
  manufacturer: string | null;
  imei: string | null;
  meid: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const objectOf = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** The push's message, or null when the body is not a Pub/Sub push. */
export function readPush(body: unknown): PushMessage | null {
  const message = objectOf(objectOf(body).message);
  const messageId = text(message.messageId) ?? text(message.message_id);
  if (!messageId) return null;
  let data: unknown = null;
  const encoded = text(message.data);
  if (encoded) {
    try {
      data = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    } catch {
      data = null;
    }
  }
  return { messageId: messageId.slice(0, 200), notificationType: text(objectOf(message.attributes).notificationType), data, publishTime: text(message.publishTime) };
}

/** The Device a notification carries, or null when it carries none. */
export function readDevice(data: unknown): AndroidDevice | null {
  const device = objectOf(data);
  const name = text(device.name);
  if (!name) return null;
  const hardware = objectOf(device.hardwareInfo);
  const network = objectOf(device.networkInfo);
  return {
    name,
    enrollmentTokenName: text(device.enrollmentTokenName),
    enrollmentTokenData: text(device.enrollmentTokenData),
    state: text(device.state),
    lastStatusReportTime: text(device.lastStatusReportTime),
    serialNumber: text(hardware.serialNumber),
    model: text(hardware.model),
    manufacturer: text(hardware.manufacturer) ?? text(hardware.brand),
    imei: text(network.imei),
    meid: text(network.meid),
  };
}
