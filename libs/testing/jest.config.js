module.exports = { displayName: 'testing', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
