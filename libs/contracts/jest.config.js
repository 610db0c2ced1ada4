module.exports = { displayName: 'contracts', preset: "<rootDir>/../../jest.preset.js", rootDir: __dirname };
