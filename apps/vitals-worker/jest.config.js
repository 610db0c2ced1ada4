module.exports = { displayName: 'vitals-worker', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
