/**
 * The subject an Apple enrollment profile asks the device to put in its certificate request:
 * its common name names the token, so the SCEP CA's challenge check can tie the request to the
 * token whose challenge it presents (and refuse another token's challenge).
 */
const PREFIX = 'enrolld device ';

export const scepCommonName = (tokenId: string) => `${PREFIX}${tokenId}`;

/** The token a certificate request's common name names, or null when it names none. */
export function tokenIdOfCommonName(commonName: string | undefined | null): string | null {
  if (!commonName?.startsWith(PREFIX)) return null;
  const id = commonName.slice(PREFIX.length).toLowerCase();
  return /^[0-9a-f]{24}$/.test(id) ? id : null;
}
