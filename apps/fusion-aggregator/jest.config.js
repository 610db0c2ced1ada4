module.exports = { displayName: 'fusion-aggregator', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
