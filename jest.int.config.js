/** Integration and end-to-end tests: real Kafka, ClickHouse and PostgreSQL (see libs/testing). */
const base = require('./jest.preset');
module.exports = {
  ...base,
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
  testTimeout: 120000,
};
