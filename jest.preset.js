/** Shared Jest settings: ts-jest without type checking (tsc --noEmit does that once, faster). */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');
module.exports = {
  rootDir: __dirname,
  // Fails a test file that leaves sockets, servers, child processes or timers open (see the file).
  testEnvironment: '<rootDir>/libs/testing/src/jest/open-handles.environment.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.state/'],
};
