import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_JWT_SECRET, loadConfig, telemetrySettings } from '../../src/config.ts';

describe('configuration', () => {
  it('has defaults that run the embedded lab on port 8000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8000, NODE_ENV: 'development', PGLITE_DATA_DIR: '.data/pglite' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(8000);
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable('loadConfig accepted bad values');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(message).toContain(name);
    }
  });

  it('refuses the default JWT secret outside development', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'test', JWT_SECRET: DEFAULT_JWT_SECRET })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40) }).JWT_SECRET).toBe('s'.repeat(40));
  });

  it('listens on the loopback interface unless HOST says otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('turns lab mode on in development and off elsewhere, unless LAB_MODE says otherwise', () => {
    const secret = { JWT_SECRET: 's'.repeat(40) };
    expect(loadConfig({}).LAB_MODE).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).LAB_MODE).toBe(true);
    expect(loadConfig({ LAB_MODE: '0' }).LAB_MODE).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', ...secret }).LAB_MODE).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ...secret }).LAB_MODE).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', LAB_MODE: '1', ...secret }).LAB_MODE).toBe(true);
  });

  it('refuses LAB_MODE in production unless LAB_MODE_IN_PRODUCTION=1', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40), LAB_MODE: '1' };
    expect(() => loadConfig(production)).toThrow(/LAB_MODE_IN_PRODUCTION/);
    expect(loadConfig({ ...production, LAB_MODE_IN_PRODUCTION: '1' }).LAB_MODE).toBe(true);
  });

  it('generates an admin token at each start in development only', () => {
    const first = loadConfig({});
    const second = loadConfig({});
    expect(first.ADMIN_TOKEN).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.ADMIN_TOKEN_GENERATED).toBe(true);
    expect(second.ADMIN_TOKEN).not.toBe(first.ADMIN_TOKEN);
    const given = loadConfig({ ADMIN_TOKEN: 'an-admin-token-of-mine' });
    expect(given).toMatchObject({ ADMIN_TOKEN: 'an-admin-token-of-mine', ADMIN_TOKEN_GENERATED: false });
    const production = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40) });
    expect(production.ADMIN_TOKEN).toBeUndefined();
  });

  it('bounds the recent-traces store: 200 traces in the lab, none in production, each bound a checked number', () => {
    expect(telemetrySettings({}).recentTraces).toEqual({
      maxTraces: 200,
      maxSpans: 10_000,
      maxBytes: 16 * 1024 * 1024,
    });
    expect(telemetrySettings({ NODE_ENV: 'production' }).recentTraces.maxTraces).toBe(0);
    expect(telemetrySettings({ NODE_ENV: 'production', RECENT_TRACES_MAX: '50' }).recentTraces.maxTraces).toBe(50);
    expect(
      telemetrySettings({ RECENT_TRACES_MAX_SPANS: '500', RECENT_TRACES_MAX_BYTES: '' }).recentTraces,
    ).toMatchObject({
      maxSpans: 500,
      maxBytes: 16 * 1024 * 1024,
    });
    // Number('lots') is NaN, and a store bounded by NaN never evicts anything.
    for (const [name, value] of [
      ['RECENT_TRACES_MAX', 'lots'],
      ['RECENT_TRACES_MAX_SPANS', '-1'],
      ['RECENT_TRACES_MAX_BYTES', '1.5'],
      ['TRACES_PER_SECOND', 'all'],
    ] as const) {
      expect(() => telemetrySettings({ [name]: value }), name).toThrow(new RegExp(name));
      expect(() => loadConfig({ [name]: value }), name).toThrow(new RegExp(name));
    }
  });
});
