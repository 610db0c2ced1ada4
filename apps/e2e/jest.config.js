// End-to-end: every app runs as its own process against a throwaway redis-server, as a user would run them.
module.exports = {
  displayName: 'e2e',
  preset: "<rootDir>/../../jest.preset.js",
  rootDir: __dirname,
  testTimeout: 120_000,
  maxWorkers: 1,
};
