module.exports = { displayName: 'training', preset: "<rootDir>/../../jest.preset.js", rootDir: __dirname };
