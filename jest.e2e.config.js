/** End-to-end tests: the five services started as `npm run up` starts them, driven over HTTP. */
const base = require('./jest.preset');
// forceExit: a file that leaves a handle open fails (see the test environment); the run still ends.
module.exports = { ...base, displayName: 'e2e', testMatch: ['<rootDir>/apps/e2e/**/*.e2e-spec.ts'], testTimeout: 180000, forceExit: true };
