module.exports = { displayName: 'imaging-worker', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
