module.exports = { displayName: 'fhir', preset: "<rootDir>/../../jest.preset.js", rootDir: __dirname };
