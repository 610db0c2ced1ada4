module.exports = { displayName: 'webhook-dispatcher', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
