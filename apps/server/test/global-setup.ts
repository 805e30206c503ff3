import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Embedded: path of a migrated PGlite data dir dump that each test file loads. */
    pgliteTemplate: string;
    /** PostgreSQL: name of a migrated template database that each test file clones. */
    pgTemplateDatabase: string;
  }
}

/**
 * Migrates once, then every test file starts from a copy: a dump of the data dir on PGlite,
 * a template database on PostgreSQL.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `dentalpro_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: templateUrl.toString(), dataDir: '', poolSize: 2 });
    await migrateToLatest(database.db);
    await database.close();
    project.provide('pgTemplateDatabase', name);
    project.provide('pgliteTemplate', '');
    return async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    };
  }
  const database = await openDatabase({ dataDir: '', poolSize: 2, inMemory: true });
  await migrateToLatest(database.db);
  const dump = await database.dumpDataDir!();
  await database.close();
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'dentalpro-test-')), 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplateDatabase', '');
}
