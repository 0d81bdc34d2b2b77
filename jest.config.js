/** Jest in ESM mode: sources are compiled by swc with legacy decorators and their metadata (NestJS DI). */
const swc = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Tests that start child servers set their own limits from test/support/deadlines.ts.
  testTimeout: 30000,
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  // Every skip and its reason, printed at the end of every run (and so in the CI log).
  reporters: ['default', '<rootDir>/test/support/skip-reporter.js'],
};
