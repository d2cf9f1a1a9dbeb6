/** Apple / Windows / Android as tabs: each is a link to the same screen for that platform. */
import { Link } from 'wouter';
import { type Platform, PLATFORM_NAMES, PLATFORMS } from '../platforms.ts';

export function PlatformTabs({ current, hrefOf, label }: { current: Platform; hrefOf(platform: Platform): string; label: string }) {
  return (
    <div role="tablist" aria-label={label} className="tabs">
      {PLATFORMS.map((platform) => (
        <Link key={platform} href={hrefOf(platform)} role="tab" aria-selected={platform === current} className={platform === current ? 'current' : undefined}>
          {PLATFORM_NAMES[platform]}
        </Link>
      ))}
    </div>
  );
}
