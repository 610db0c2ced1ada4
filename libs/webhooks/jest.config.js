module.exports = { displayName: 'webhooks', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
