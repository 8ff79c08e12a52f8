/**
 * Database error shapes differ by driver adapter: `@prisma/adapter-pg` surfaces Prisma's P2002, the PGlite adapter a
 * DriverAdapterError carrying PostgreSQL's SQLSTATE in its cause. Test for meaning here, once.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown; originalCode?: unknown } } | null;
  return e?.code === "P2002" || e?.code === "23505" || e?.cause?.code === "23505" || e?.cause?.originalCode === "23505";
}
