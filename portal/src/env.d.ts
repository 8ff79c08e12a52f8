declare module "virtual:supergraph-directory" {
  const directory: import("../directory.ts").Directory;
  export default directory;
}
