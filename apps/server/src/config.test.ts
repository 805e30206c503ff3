import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'dentalpro-config-'));

describe('loadConfig', () => {
  it('refuses to start in production without the secrets, saying what to set', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir() })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir() })).toThrow(
      /SESSION_SECRET[\s\S]*ENCRYPTION_KEY/,
    );
  });

  it('generates the secrets once into DATA_DIR outside production, readable only by us', () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.sessionSecret).toBe(second.sessionSecret);
    expect(first.encryptionKey.equals(second.encryptionKey)).toBe(true);
    expect(first.encryptionKey.length).toBe(32);
    const file = path.join(dir, 'secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).sessionSecret).toBe(first.sessionSecret);
  });

  it('rejects a malformed key and an invalid port with the variable named', () => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('defaults to the embedded database on port 3000', () => {
    const c = loadConfig({ DATA_DIR: tempDir() });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.publicUrlSet).toBe(false);
    expect(loadConfig({ DATA_DIR: tempDir(), PUBLIC_URL: 'https://clinic.example/' })).toMatchObject({
      publicUrl: 'https://clinic.example',
      publicUrlSet: true,
    });
  });
});
