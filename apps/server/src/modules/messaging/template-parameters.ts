import type { FieldError } from '@dentalpro/contracts';
import type { GraphTemplate } from './graph-client.js';

/**
 * Templates as the registry keeps them, read from Meta's `message_templates` shape, and the
 * checks Meta would make on their parameters, done before we call Meta.
 */
export interface TemplateDefinition {
  name: string;
  language: string;
  category: string;
  status: string;
  body: string;
  parameterFormat: 'positional' | 'named';
  parameters: { name: string; example: string }[];
  quickReplies: string[];
}

const PLACEHOLDER = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;

export function definitionFromGraph(t: GraphTemplate): TemplateDefinition {
  const body = t.components?.find((c) => c.type.toUpperCase() === 'BODY');
  const text = body?.text ?? '';
  const names = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
  const named = (t.parameter_format ?? '').toUpperCase() === 'NAMED' || names.some((n) => !/^[0-9]+$/.test(n));
  const example = body?.example as
    | { body_text?: string[][]; body_text_named_params?: { param_name: string; example: string }[] }
    | undefined;
  const parameters = named
    ? names.map((name) => ({
        name,
        example: example?.body_text_named_params?.find((p) => p.param_name === name)?.example ?? '',
      }))
    : names
        .map(Number)
        .sort((a, b) => a - b)
        .map((n) => ({ name: String(n), example: example?.body_text?.[0]?.[n - 1] ?? '' }));
  const buttons = t.components?.find((c) => c.type.toUpperCase() === 'BUTTONS')?.buttons ?? [];
  return {
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    body: text,
    parameterFormat: named ? 'named' : 'positional',
    parameters,
    quickReplies: buttons.filter((b) => b.type.toUpperCase() === 'QUICK_REPLY').map((b) => b.text),
  };
}

/** Every declared parameter given, none unknown, and each value one Meta accepts. */
export function checkTemplateParameters(template: TemplateDefinition, values: Record<string, string>): FieldError[] {
  const errors: FieldError[] = [];
  const declared = new Set(template.parameters.map((p) => p.name));
  for (const { name } of template.parameters) {
    const value = values[name];
    const path = `parameters.${name}`;
    if (value === undefined || value.trim() === '')
      errors.push({ path, code: 'required', message: `Parameter ${name} is required` });
    else if (/[\n\t]/.test(value))
      errors.push({
        path,
        code: 'invalid_format',
        message: 'WhatsApp does not allow line breaks or tabs in template parameters',
      });
    else if (/ {5,}/.test(value))
      errors.push({
        path,
        code: 'invalid_format',
        message: 'WhatsApp does not allow more than four spaces in a row in template parameters',
      });
    else if (value.length > 1024)
      errors.push({ path, code: 'too_long', message: 'At most 1024 characters', params: { maximum: 1024 } });
  }
  for (const name of Object.keys(values)) {
    if (!declared.has(name))
      errors.push({
        path: `parameters.${name}`,
        code: 'unrecognized_keys',
        message: `The template has no parameter ${name}`,
      });
  }
  return errors;
}

export function renderTemplateBody(template: TemplateDefinition, values: Record<string, string>): string {
  return template.body.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

/**
 * The `template` object of a Graph API send. Quick-reply payloads name the template and button,
 * unless the caller gives its own, one per button in order (a reminder's signed ones).
 */
export function graphTemplateObject(
  template: TemplateDefinition,
  values: Record<string, string>,
  payloads?: readonly string[],
) {
  const components: object[] = [];
  if (template.parameters.length > 0) {
    components.push({
      type: 'body',
      parameters: template.parameters.map((p) =>
        template.parameterFormat === 'named'
          ? { type: 'text', parameter_name: p.name, text: values[p.name] }
          : { type: 'text', text: values[p.name] },
      ),
    });
  }
  template.quickReplies.forEach((_, index) => {
    components.push({
      type: 'button',
      sub_type: 'quick_reply',
      index: String(index),
      parameters: [{ type: 'payload', payload: payloads?.[index] ?? `${template.name}:${index}` }],
    });
  });
  return {
    name: template.name,
    language: { code: template.language },
    ...(components.length > 0 ? { components } : {}),
  };
}
