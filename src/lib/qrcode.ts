/**
 * qrcode, loaded by the first QR code a process draws (an Android enrollment page or QR image, an
 * Android invitation) rather than at every start: 57 modules that no other request needs.
 */
import type QRCode from 'qrcode';

let qrcode: Promise<typeof QRCode> | undefined;

export const loadQrCode = (): Promise<typeof QRCode> => (qrcode ??= import('qrcode').then((module) => module.default));

/**
 * What a QR code encodes: provisioning JSON enrolld made (an object, serialized), or a text a
 * provider made that is encoded exactly as given (Google's qrCode).
 */
export type QrPayload = Record<string, unknown> | string;

export const qrText = (payload: QrPayload): string => (typeof payload === 'string' ? payload : JSON.stringify(payload));
