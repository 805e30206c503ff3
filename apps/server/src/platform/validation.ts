import { Transform, pipeline } from 'node:stream';
import type { FieldError } from '@dentalpro/contracts';
import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from './errors.js';

/**
 * One gate for what any request may carry, whatever its route, before the route's schema:
 * - text PostgreSQL cannot store (a NUL character, an unpaired UTF-16 surrogate), in any string
 *   or key of the JSON body, the query or the path: 400 `invalid_characters` at its path;
 * - a body sent to an API route that takes none: 400 `unrecognized_keys`;
 * - a body over the app's limit on a route that takes more only for a file, when it has none: 413.
 * Raw bodies (the webhook's bytes, checked against their signature) are not JSON and pass as they
 * are; whoever reads text out of them makes it storable (see webhook.parse.ts).
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * On a route whose `bodyLimit` is above the app's, whether this body is the file the larger
     * limit is for. Other bodies over the app's limit are refused with 413, as on every route.
     */
    carriesFile?: (body: unknown) => boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** At most this many text problems are listed; one is enough to refuse. */
const MAX_TEXT_ERRORS = 20;

export function registerInputGate(app: FastifyInstance, opts: { bodyLimitBytes: number }) {
  const bodyBytes = new WeakMap<FastifyRequest, () => number>();

  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!request.routeOptions.config.carriesFile) return payload;
    let bytes = 0;
    bodyBytes.set(request, () => bytes);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    // The parser reads the counter; an aborted upload ends it with the same error.
    return pipeline(payload, counter, () => {});
  });

  app.addHook('preValidation', async (request) => {
    const route = request.routeOptions;
    const carriesFile = route.config.carriesFile;
    const received = bodyBytes.get(request)?.();
    if (carriesFile && received !== undefined && received > opts.bodyLimitBytes && !carriesFile(request.body)) {
      throw new AppError('payload_too_large', {
        detail: `Only a file may make this body larger than ${opts.bodyLimitBytes} bytes`,
      });
    }
    for (const [part, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const errors = unstorableText(value);
      if (errors.length > 0) throw new AppError('validation_failed', { detail: `The ${part} is not valid`, errors });
    }
    if (UNSAFE.has(request.method) && route.url?.startsWith('/api/') && !route.schema?.body) {
      const errors = unexpectedBody(request.body);
      if (errors.length > 0) throw new AppError('validation_failed', { detail: 'This request takes no body', errors });
    }
  });
}

/**
 * Where a JSON value holds text PostgreSQL cannot store: NUL (text and jsonb refuse it) or an
 * unpaired surrogate (JSON allows it; it is no Unicode, and jsonb refuses its escape). Walked
 * without recursion, so a body nested thousands deep cannot overflow the stack.
 */
export function unstorableText(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0 && errors.length < MAX_TEXT_ERRORS) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) errors.push(textError(path, problem));
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], join(path, String(i))]);
    } else if (isPlainObject(node)) {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const problem = textProblem(key);
        // A key is named in the path as people can read it.
        if (problem) errors.push(textError(join(path, key.replace(SUSPECT_G, '\ufffd')), problem));
        else stack.push([child, join(path, key)]);
      }
    }
  }
  return errors;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this looks for.
const SUSPECT = /[\u0000\ud800-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this replaces.
const SUSPECT_G = /[\u0000\ud800-\udfff]/g;
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string): 'nul' | 'surrogate' | null {
  // Most text has neither; one scan of a character class tells.
  if (!SUSPECT.test(text)) return null;
  if (text.includes('\u0000')) return 'nul';
  return UNPAIRED_SURROGATE.test(text) ? 'surrogate' : null;
}

function textError(path: string, problem: 'nul' | 'surrogate'): FieldError {
  return {
    path: path || '(root)',
    code: 'invalid_characters',
    message:
      problem === 'nul'
        ? 'Text cannot contain the NUL character (U+0000)'
        : 'Text cannot contain an unpaired UTF-16 surrogate (half of a character)',
  };
}

/** A route without a body schema takes nothing: no body, null or {} (what clients send for "nothing"). */
function unexpectedBody(body: unknown): FieldError[] {
  if (body === undefined || body === null || ArrayBuffer.isView(body)) return [];
  if (isPlainObject(body))
    return Object.keys(body).map((key) => ({
      path: key.replace(SUSPECT_G, '\ufffd'),
      code: 'unrecognized_keys',
      message: 'This request takes no body',
    }));
  return [{ path: '(root)', code: 'invalid_type', message: 'This request takes no body' }];
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** An object of parsed input: JSON's, or the query's and the path's (whose prototypes are bare, not Object's). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * fastify-type-provider-zod's validator, which first makes sure a request body takes only the
 * fields it names (z.strictObject) at every level: a misspelt field would otherwise be dropped
 * without a word, and the person's input lost. The server does not start with a route that
 * breaks this; a field meant to take any keys says so with z.record or z.looseObject.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  if (route.httpPart === 'body') {
    const open = openObjectsIn(z.toJSONSchema(route.schema, { io: 'input', unrepresentable: 'any' }));
    if (open.length > 0) {
      throw new Error(
        `${route.method} ${route.url}: the body schema takes unknown keys at ${open.join(', ')}; use z.strictObject`,
      );
    }
  }
  return zodValidatorCompiler(route);
};

type JsonSchemaNode = { [key: string]: unknown };

/** Paths of the objects in a JSON schema that name their properties but do not close them. */
export function openObjectsIn(schema: unknown): string[] {
  const open: string[] = [];
  const stack: [unknown, string][] = [[schema, '(root)']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push([child, path]);
      continue;
    }
    const s = node as JsonSchemaNode;
    if (s.properties !== undefined && s.additionalProperties === undefined) open.push(path);
    if (s.properties && typeof s.properties === 'object')
      for (const [key, child] of Object.entries(s.properties))
        stack.push([child, path === '(root)' ? key : `${path}.${key}`]);
    for (const key of ['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'additionalProperties', 'not']) {
      if (s[key] !== undefined) stack.push([s[key], path]);
    }
    if (s.$defs && typeof s.$defs === 'object')
      for (const [name, child] of Object.entries(s.$defs)) stack.push([child, `$defs.${name}`]);
  }
  return open;
}
