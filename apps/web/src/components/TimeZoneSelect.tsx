import type { ComponentProps } from 'react';
import { SelectField } from './Field';

const DEFAULT_ZONE = 'Indian/Mauritius';

function timeZones(current: string | undefined): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [DEFAULT_ZONE, 'UTC'];
  }
  const extra = [DEFAULT_ZONE, current].filter((z): z is string => Boolean(z) && !zones.includes(z as string));
  return [...extra, ...zones];
}

export function TimeZoneSelect({
  label,
  error,
  ...select
}: { label: string; error?: string | undefined } & ComponentProps<'select'>) {
  const current =
    typeof select.value === 'string'
      ? select.value
      : typeof select.defaultValue === 'string'
        ? select.defaultValue
        : undefined;
  return (
    <SelectField label={label} error={error} {...select}>
      {timeZones(current).map((zone) => (
        <option key={zone} value={zone}>
          {zone.replaceAll('_', ' ')}
        </option>
      ))}
    </SelectField>
  );
}
