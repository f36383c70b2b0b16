import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { type ThemePreference, useTheme } from '../lib/theme';

const choices: Array<{ value: ThemePreference; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export const menuContentClass = 'panel z-50 min-w-44 p-1 shadow-lg data-[side=bottom]:mt-1';
export const menuItemClass =
  'flex cursor-default items-center gap-2 rounded px-2 py-1 text-sm outline-none select-none data-[highlighted]:bg-amber-100 data-[highlighted]:text-zinc-950 dark:data-[highlighted]:bg-amber-500/20 dark:data-[highlighted]:text-white';

/** Light, dark, or whatever the system prefers (the default). */
export function ThemeMenu() {
  const { preference, theme, setPreference } = useTheme();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="button" aria-label={`Theme: ${preference} (${theme})`}>
        <span aria-hidden>{theme === 'dark' ? '☾' : '☀'}</span>
        <span className="hidden sm:inline">Theme</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" className={menuContentClass}>
          <DropdownMenu.Label className="muted px-2 py-1 text-xs">Theme</DropdownMenu.Label>
          <DropdownMenu.RadioGroup
            value={preference}
            onValueChange={(value) => setPreference(value as ThemePreference)}
          >
            {choices.map((choice) => (
              <DropdownMenu.RadioItem key={choice.value} value={choice.value} className={menuItemClass}>
                <span className="w-3" aria-hidden>
                  <DropdownMenu.ItemIndicator>•</DropdownMenu.ItemIndicator>
                </span>
                {choice.label}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
