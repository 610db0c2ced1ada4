module.exports = { displayName: 'tabular-worker', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
