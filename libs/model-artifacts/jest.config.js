module.exports = { displayName: 'model-artifacts', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
