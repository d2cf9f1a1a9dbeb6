/**
 * Where a webhook may be delivered. Only http(s) URLs, and — unless ENROLLD_WEBHOOK_ALLOW_PRIVATE
 * is set (tests, on-premise receivers) — only public addresses: an API key must not be able to
 * make enrolld call its own loopback services, the private network around it, or a cloud's
 * metadata service (169.254.169.254, fd00:ec2::254). A literal address is refused when the
 * endpoint is saved; a name is checked on every delivery after DNS resolves it, on the very
 * addresses the connection then uses, so a name that later resolves elsewhere (DNS rebinding)
 * gains nothing.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export const MAX_URL_LENGTH = 2048;

/** Why `address` (IPv4 or IPv6) is no public destination, or null when it is one. */
export function forbiddenAddressRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an address';
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Why `raw` cannot be a webhook URL, as the rule it breaks, or null when it can (names are
 * checked again at delivery, after DNS).
 */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  const host = hostOf(url);
  if (!allowPrivate && isIP(host)) {
    const range = forbiddenAddressRange(host);
    if (range) return `must not point at a ${range} address (${host}): only public addresses receive webhooks`;
  }
  return null;
}

export class ForbiddenDestinationError extends Error {}

/** Refuse a literal address in `url` before connecting to it (names are refused by guardedLookup). */
export function assertPublicHost(url: URL): void {
  const host = hostOf(url);
  if (!isIP(host)) return;
  const range = forbiddenAddressRange(host);
  if (range) throw new ForbiddenDestinationError(`refused: ${host} is a ${range} address`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the HTTP client's connections: resolves the name as usual and fails the
 * connection when any address it resolves to is not public.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((entry) => forbiddenAddressRange(entry.address) !== null);
    if (refused) {
      return callback(new ForbiddenDestinationError(`refused: ${hostname} resolves to ${refused.address}, a ${forbiddenAddressRange(refused.address)} address`), []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}
