/**
 * qrcode, loaded by the first QR code a process draws (an Android enrollment page or QR image, an
 * Android invitation) rather than at every start: 57 modules that no other request needs.
 */
import type QRCode from 'qrcode';

let qrcode: Promise<typeof QRCode> | undefined;

export const loadQrCode = (): Promise<typeof QRCode> => (qrcode ??= import('qrcode').then((module) => module.default));
