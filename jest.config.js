/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Long crash/fuzz runs live in test/stress and run only through `npm run test:stress` (jest.stress.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/stress/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 30000,
  maxWorkers: 2,
  verbose: false,
};
