declare module 'amd-module' {
  const amdMetaModule: { uri?: string } | undefined;
  export default amdMetaModule;
}
