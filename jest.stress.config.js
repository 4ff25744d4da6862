/** `npm run test:stress`: the long crash-safety and fuzzing runs in test/stress, one file at a time. */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  roots: ['<rootDir>/test/stress'],
  testTimeout: 600000,
  maxWorkers: 1,
};
