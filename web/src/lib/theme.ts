import { useCallback, useSyncExternalStore } from 'react';

export type ThemePreference = 'system' | 'light' | 'dark';

const storageKey = 'aurora-theme';
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
const listeners = new Set<() => void>();

function readPreference(): ThemePreference {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

let preference = readPreference();

function resolved(): 'light' | 'dark' {
  if (preference === 'system') return darkQuery.matches ? 'dark' : 'light';
  return preference;
}

/** Puts the resolved theme on <html>; called before the first render so there is no flash of the other theme. */
export function applyTheme(): void {
  const theme = resolved();
  document.documentElement.classList.toggle('dark', theme === 'dark');
  document.documentElement.dataset.theme = theme;
}

darkQuery.addEventListener('change', () => {
  applyTheme();
  for (const listener of listeners) listener();
});

function setPreference(next: ThemePreference): void {
  preference = next;
  try {
    if (next === 'system') window.localStorage.removeItem(storageKey);
    else window.localStorage.setItem(storageKey, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  applyTheme();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): {
  preference: ThemePreference;
  theme: 'light' | 'dark';
  setPreference: (next: ThemePreference) => void;
} {
  const current = useSyncExternalStore(subscribe, () => `${preference}:${resolved()}`);
  const [stored, theme] = current.split(':') as [ThemePreference, 'light' | 'dark'];
  return { preference: stored, theme, setPreference: useCallback(setPreference, []) };
}
