module.exports = { displayName: 'observability', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
