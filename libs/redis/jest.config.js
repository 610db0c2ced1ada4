module.exports = { displayName: 'redis', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
