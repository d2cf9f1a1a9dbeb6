/**
 * plist (and the XML libraries it brings: 45 modules, about 25 ms to load), loaded by the first
 * property list a process builds or reads rather than at every start.
 */
let plist: Promise<typeof import('plist')> | undefined;

export const loadPlist = () => (plist ??= import('plist'));
