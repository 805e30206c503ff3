import { type RawBuilder, sql } from 'kysely';
import { likeEscape, prefixRange } from './search.js';

/** Conditions shared by the search's pages and its count. */

/** Merged records never show; archived ones only when asked for. */
export const visible = (includeArchived: boolean) =>
  includeArchived
    ? sql<boolean>`patients.merged_into_id IS NULL`
    : sql<boolean>`patients.merged_into_id IS NULL AND patients.status <> 'archived'`;

/** `column` starts with `prefix`, as a byte-order range the index can use (see prefixRange). */
export function inRange(column: RawBuilder<unknown>, prefix: string) {
  const { from, to } = prefixRange(prefix);
  return to === undefined
    ? sql<boolean>`${column} >= ${from}`
    : sql<boolean>`(${column} >= ${from} AND ${column} < ${to})`;
}

/** A word of the folded name `column` (words separated by single spaces) starts with `token`. */
export const startsAWord = (column: RawBuilder<unknown>, token: string) =>
  sql<boolean>`(' ' || ${column}) LIKE ${`% ${likeEscape(token)}%`}`;
