/** Generates every subgraph's Prisma client (runs after `npm ci`). One schema per subgraph: prisma/<name>/schema.prisma. */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const prismaCli = fileURLToPath(new URL("../node_modules/prisma/build/index.js", import.meta.url));
for (const name of readdirSync(`${root}/prisma`).sort()) {
  const schema = `prisma/${name}/schema.prisma`;
  if (!existsSync(`${root}/${schema}`)) continue;
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], { cwd: root, stdio: "inherit" });
}
