/** The platforms enrolld serves. Adding one means adding its folder and listing it here. */
import type { Platform } from './platform-names.ts';
import { androidAdapter } from './android/android.adapter.ts';
import { appleAdapter } from './apple/apple.adapter.ts';
import type { PlatformAdapter } from './platform.ts';
import { windowsAdapter } from './windows/windows.adapter.ts';

export const PLATFORM_ADAPTERS: Readonly<Record<Platform, PlatformAdapter>> = Object.freeze({
  apple: appleAdapter,
  windows: windowsAdapter,
  android: androidAdapter,
});
