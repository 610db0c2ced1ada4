module.exports = { displayName: 'cohort', preset: "<rootDir>/../../jest.preset.js", rootDir: __dirname };
