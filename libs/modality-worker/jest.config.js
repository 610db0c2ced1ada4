module.exports = { displayName: 'modality-worker', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
