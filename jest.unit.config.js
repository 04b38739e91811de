/** Unit tests: *.spec.ts beside the code, no infrastructure. */
const base = require('./jest.preset');
module.exports = { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] };
