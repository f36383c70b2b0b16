import { useEffect, useState } from 'react';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'narrow' });
const absolute = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

export function formatRelative(iso: string, now: number): string {
  const elapsed = new Date(iso).getTime() - now;
  for (const [unit, size] of units) {
    if (Math.abs(elapsed) >= size || unit === 'second') return relative.format(Math.round(elapsed / size), unit);
  }
  return iso;
}

export function formatAbsolute(iso: string): string {
  return absolute.format(new Date(iso));
}

export function formatDuration(fromIso: string, toIso: string | null, now: number): string {
  const milliseconds = (toIso ? new Date(toIso).getTime() : now) - new Date(fromIso).getTime();
  const minutes = Math.max(0, Math.round(milliseconds / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** The current time, refreshed every `intervalMs`, so relative times stay true on a page left open. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
