module.exports = { displayName: 'deploy-tests', preset: '<rootDir>/../../jest.preset.js', rootDir: __dirname };
