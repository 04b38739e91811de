/** End-to-end tests: the five services started as `npm run up` starts them, driven over HTTP. */
const base = require('./jest.preset');
module.exports = { ...base, displayName: 'e2e', testMatch: ['<rootDir>/apps/e2e/**/*.e2e-spec.ts'], testTimeout: 180000 };
