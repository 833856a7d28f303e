// webpack's run-time public path (assigned in ../webpack/publicPath.ts).
declare let __webpack_public_path__: string;
