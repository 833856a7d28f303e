// Jest configuration in @grafana/create-plugin's layout: the base is .config/jest.config.js.
module.exports = {
  ...require('./.config/jest.config'),
};
