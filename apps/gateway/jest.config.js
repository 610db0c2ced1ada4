module.exports = { displayName: 'gateway', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
