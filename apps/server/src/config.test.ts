import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

describe('the privacy register (PRIVACY_THIRD_PARTIES, PRIVACY_CONTACT_EMAIL)', () => {
  const party = { kind: 'hosting', name: 'Cloud MU Ltd', location: 'Ebène, Mauritius', outsideMauritius: false };

  it('defaults to what this deployment uses: its server, the provider, Meta outside the sandbox, the SMTP host', () => {
    const sandbox = loadConfig({ DATA_DIR: tempDir() }).privacy;
    expect(sandbox.contactEmail).toBeNull();
    expect(sandbox.thirdParties.map((p) => p.kind)).toEqual(['hosting']);
    const live = loadConfig({
      DATA_DIR: tempDir(),
      PRIVACY_CONTACT_EMAIL: 'dpo@clinic.mu',
      WHATSAPP_APP_SECRET: 'a-real-app-secret-0123',
      OIDC_ISSUER: 'https://accounts.google.com',
      OIDC_CLIENT_ID: 'id',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_DISPLAY_NAME: 'Google',
      SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
    }).privacy;
    expect(live.contactEmail).toBe('dpo@clinic.mu');
    expect(live.thirdParties.map((p) => [p.kind, p.name, p.outsideMauritius])).toEqual([
      ['hosting', 'The operator of this DentalPro server', false],
      ['authentication', 'Google', true],
      ['messaging', 'Meta Platforms (WhatsApp Business Platform)', true],
      ['email', 'smtp.example.com', false],
    ]);
  });

  it('takes the register as JSON or from a file, and refuses a bad one with the variable named', () => {
    expect(
      loadConfig({ DATA_DIR: tempDir(), PRIVACY_THIRD_PARTIES: JSON.stringify([party]) }).privacy.thirdParties,
    ).toEqual([party]);
    const file = path.join(tempDir(), 'parties.json');
    writeFileSync(file, JSON.stringify([party]));
    expect(loadConfig({ DATA_DIR: tempDir(), PRIVACY_THIRD_PARTIES: file }).privacy.thirdParties).toEqual([party]);
    expect(() =>
      loadConfig({ DATA_DIR: tempDir(), PRIVACY_THIRD_PARTIES: JSON.stringify([{ ...party, kind: 'analytics' }]) }),
    ).toThrow(/PRIVACY_THIRD_PARTIES[\s\S]*kind/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), PRIVACY_THIRD_PARTIES: '/nowhere/parties.json' })).toThrow(
      /PRIVACY_THIRD_PARTIES/,
    );
    expect(() => loadConfig({ DATA_DIR: tempDir(), PRIVACY_CONTACT_EMAIL: 'not an address' })).toThrow(
      /PRIVACY_CONTACT_EMAIL/,
    );
  });
});
