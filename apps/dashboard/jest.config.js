// Unit tests (src), API tests against a throwaway redis-server with real BullMQ queues, and one browser test
// (headless Debian Chromium over the whole system). One worker: the browser test runs seven processes.
module.exports = { displayName: 'dashboard', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname, testTimeout: 120_000, maxWorkers: 1 };
