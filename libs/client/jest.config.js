module.exports = { displayName: 'client', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
