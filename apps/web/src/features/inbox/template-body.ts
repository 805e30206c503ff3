/**
 * A template body with its parameters filled in, as the patient will read it. Meta writes
 * parameters as {{1}}, {{2}} (positional) or {{first_name}} (named).
 */
export type TemplatePart = { text: string } | { parameter: string; value: string | null };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export function templateParts(body: string, values: Record<string, string>): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (match.index > last) parts.push({ text: body.slice(last, match.index) });
    const value = values[name]?.trim();
    parts.push({ parameter: name, value: value ? value : null });
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last) });
  return parts;
}

/** The names of the parameters still empty, in the template's order. */
export function missingParameters(parameters: readonly { name: string }[], values: Record<string, string>): string[] {
  return parameters.filter((p) => !values[p.name]?.trim()).map((p) => p.name);
}

/** Only the values the template declares, trimmed: a stale value from another template is not sent. */
export function templateValues(
  parameters: readonly { name: string }[],
  values: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(parameters.map((p) => [p.name, values[p.name]?.trim() ?? '']));
}
