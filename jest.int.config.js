/** Integration tests: real Kafka, ClickHouse and PostgreSQL (see libs/testing). */
const base = require('./jest.preset');
module.exports = {
  ...base,
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
  testTimeout: 120000,
  // Files share no state (each makes its own databases, consumer groups, RPC topics and handles),
  // and mostly wait on the engines: two at a time halve the tier on a 2-core machine.
  maxWorkers: 2,
  // A file that leaves a handle open fails (see the test environment); the run still ends.
  forceExit: true,
};
