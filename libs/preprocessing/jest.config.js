module.exports = { displayName: 'preprocessing', preset: "<rootDir>/../../jest.preset.js", rootDir: __dirname };
