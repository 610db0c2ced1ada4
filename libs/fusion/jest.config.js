module.exports = { displayName: 'fusion', preset: "<rootDir>/../../jest.preset.js", rootDir: __dirname };
