import { ConfigError, loadConfig } from '../../../src/config';

describe('RATE_LIMIT_STORE', () => {
  test('When it is unset, then the limits count in the store (shared by every instance)', () => {
    expect(loadConfig({}).rateLimitStore).toBe('store');
  });

  test('When it is "memory", then the limits count in this process', () => {
    expect(loadConfig({ RATE_LIMIT_STORE: 'memory' }).rateLimitStore).toBe('memory');
  });

  test('When it is anything else, then the start stops with an error naming the variable', () => {
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(ConfigError);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/RATE_LIMIT_STORE/);
  });
});
