/**
 * The registry's tables (registry/migrations): registered subgraphs with their owner department, their SDL versions,
 * the supergraph revisions gateways load, and hourly field usage. Plain SQL on lib/db (PGlite or PostgreSQL).
 */
import { claimedNames, type DepartmentManifest } from "../lib/contracts/departmentManifest.ts";
import type { SubgraphDatabase } from "../lib/db/database.ts";
import type { CheckReport, SubgraphSource } from "./checks.ts";
import type { ManifestClaim } from "./manifests.ts";

export type VersionStatus = "ACTIVE" | "PENDING" | "SUPERSEDED" | "REJECTED";

export interface RegisteredSubgraph {
  name: string;
  departmentId: string;
  routingUrl: string;
  activeVersion: number | null;
}

export interface SchemaVersion {
  subgraph: string;
  version: number;
  routingUrl: string;
  status: VersionStatus;
  publishedBy: string;
  publishedAt: string;
  /** Who approved it (or, for a REJECTED version, who rejected it), and when. */
  approvedBy: string | null;
  approvedAt: string | null;
  report: CheckReport;
}

export interface UsageEntry {
  coordinate: string;
  client: string;
  /** Start of the hour, ISO 8601. */
  hour: string;
  count: number;
}

type Queryable = Pick<SubgraphDatabase, "query">;

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

function versionOf(row: Record<string, unknown>): SchemaVersion {
  return {
    subgraph: row.subgraph as string,
    version: Number(row.version),
    routingUrl: row.routing_url as string,
    status: row.status as VersionStatus,
    publishedBy: row.published_by as string,
    publishedAt: iso(row.published_at),
    approvedBy: (row.approved_by as string | null) ?? null,
    approvedAt: row.approved_at ? iso(row.approved_at) : null,
    report: (typeof row.report === "string" ? JSON.parse(row.report) : row.report) as CheckReport,
  };
}

export function createRegistryStore(db: SubgraphDatabase) {
  return {
    async subgraph(name: string): Promise<RegisteredSubgraph | null> {
      const [row] = await db.query<Record<string, unknown>>(
        "SELECT name, department_id, routing_url, active_version FROM registered_subgraph WHERE name = $1",
        [name],
      );
      if (!row) return null;
      return {
        name: row.name as string,
        departmentId: row.department_id as string,
        routingUrl: row.routing_url as string,
        activeVersion: row.active_version === null ? null : Number(row.active_version),
      };
    },

    /** The active version of every subgraph (what the current supergraph is composed of). */
    async activeSources(): Promise<Array<SubgraphSource & { version: number }>> {
      const rows = await db.query<{ name: string; url: string; sdl: string; version: number }>(
        `SELECT v.subgraph AS name, v.routing_url AS url, v.sdl, v.version
           FROM schema_version v JOIN registered_subgraph s ON s.name = v.subgraph AND s.active_version = v.version
          ORDER BY s.created_at, s.name`,
      );
      return rows.map((row) => ({ ...row, version: Number(row.version) }));
    },

    async currentSupergraph(): Promise<{ revision: number; sdl: string } | null> {
      const [row] = await db.query<{ revision: number; sdl: string }>(
        "SELECT revision, sdl FROM supergraph_revision ORDER BY revision DESC LIMIT 1",
      );
      return row ? { revision: Number(row.revision), sdl: row.sdl } : null;
    },

    /** The owner department of every subgraph composed into the supergraph (an active version), by name. */
    async owners(): Promise<Record<string, string>> {
      const rows = await db.query<{ name: string; department_id: string }>(
        "SELECT name, department_id FROM registered_subgraph WHERE active_version IS NOT NULL ORDER BY name",
      );
      return Object.fromEntries(rows.map((row) => [row.name, row.department_id]));
    },

    async version(name: string, version: number): Promise<(SchemaVersion & { sdl: string }) | null> {
      const [row] = await db.query<Record<string, unknown>>(
        "SELECT * FROM schema_version WHERE subgraph = $1 AND version = $2",
        [name, version],
      );
      return row ? { ...versionOf(row), sdl: row.sdl as string } : null;
    },

    /** Every version of a subgraph, newest first. */
    async history(name: string): Promise<SchemaVersion[]> {
      const rows = await db.query<Record<string, unknown>>(
        "SELECT * FROM schema_version WHERE subgraph = $1 ORDER BY version DESC",
        [name],
      );
      return rows.map(versionOf);
    },

    /**
     * Stores a new version (registering the subgraph for `departmentId` on its first version). An ACTIVE version
     * becomes the subgraph's active one and `supergraphSdl` the gateways' next revision, in one transaction.
     */
    async addVersion(input: {
      name: string;
      departmentId: string;
      source: SubgraphSource;
      status: "ACTIVE" | "PENDING";
      publishedBy: string;
      approvedBy?: string;
      report: CheckReport;
      supergraphSdl: string | null;
      reason: string;
      /** The department manifest sent with the version (registry migration 0002). */
      manifest?: DepartmentManifest | null;
    }): Promise<number> {
      return db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO registered_subgraph (name, department_id, routing_url) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO NOTHING`,
          [input.name, input.departmentId, input.source.url],
        );
        // Locks the subgraph's row: two publishes of one subgraph get consecutive version numbers.
        await tx.query("SELECT 1 FROM registered_subgraph WHERE name = $1 FOR UPDATE", [input.name]);
        const [{ next }] = (await tx.query<{ next: number }>(
          "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM schema_version WHERE subgraph = $1",
          [input.name],
        )) as [{ next: number }];
        const version = Number(next);
        await tx.query(
          `INSERT INTO schema_version (subgraph, version, sdl, routing_url, status, published_by, approved_by, approved_at, report)
           VALUES ($1, $2, $3, $4, 'PENDING', $5, NULL, NULL, $6)`,
          [input.name, version, input.source.sdl, input.source.url, input.publishedBy, JSON.stringify(input.report)],
        );
        if (input.manifest) {
          await tx.query(
            `INSERT INTO department_manifest (subgraph, version, department_id, manifest) VALUES ($1, $2, $3, $4)`,
            [input.name, version, input.manifest.department.id, JSON.stringify(input.manifest)],
          );
        }
        if (input.status === "ACTIVE") {
          await activateIn(tx, input.name, version, input.approvedBy ?? null, input.supergraphSdl, input.reason);
        }
        return version;
      });
    },

    /** Makes a stored version the active one (approval, rollback) and records the supergraph gateways load next. */
    async activate(name: string, version: number, approvedBy: string | null, supergraphSdl: string, reason: string) {
      await db.transaction((tx) => activateIn(tx, name, version, approvedBy, supergraphSdl, reason));
    },

    async reject(name: string, version: number, by: string): Promise<void> {
      await db.query(
        `UPDATE schema_version SET status = 'REJECTED', approved_by = $3, approved_at = now()
          WHERE subgraph = $1 AND version = $2 AND status = 'PENDING'`,
        [name, version, by],
      );
    },

    /** The manifest stored with a version, if one was sent with it. */
    async manifest(name: string, version: number): Promise<DepartmentManifest | null> {
      const [row] = await db.query<{ manifest: unknown }>(
        "SELECT manifest FROM department_manifest WHERE subgraph = $1 AND version = $2",
        [name, version],
      );
      if (!row) return null;
      return (typeof row.manifest === "string" ? JSON.parse(row.manifest) : row.manifest) as DepartmentManifest;
    },

    /** The manifest of the subgraph's active version (what identity and catalog hold now), if it has one. */
    async activeManifest(name: string): Promise<DepartmentManifest | null> {
      const subgraph = await this.subgraph(name);
      return subgraph?.activeVersion ? this.manifest(name, subgraph.activeVersion) : null;
    },

    /** Every name the active manifests claim. */
    async claims(): Promise<ManifestClaim[]> {
      return db.query<ManifestClaim>(
        `SELECT kind, name, department_id AS "departmentId", subgraph FROM manifest_claim ORDER BY kind, name`,
      );
    },

    /** Records how a manifest's delivery to identity and catalog went. */
    async recordDelivery(name: string, version: number, outcome: { ok: boolean; error?: string }): Promise<void> {
      await db.query(
        `UPDATE department_manifest SET delivery = $3, delivery_error = $4,
                delivered_at = CASE WHEN $3 = 'DELIVERED' THEN now() ELSE delivered_at END
          WHERE subgraph = $1 AND version = $2`,
        [name, version, outcome.ok ? "DELIVERED" : "FAILED", outcome.error ?? null],
      );
    },

    /** Adds hourly counts (the gateway sends them in batches). */
    async recordUsage(entries: UsageEntry[]): Promise<void> {
      if (entries.length === 0) return;
      await db.transaction(async (tx) => {
        for (const entry of entries) {
          await tx.query(
            `INSERT INTO field_usage (coordinate, client, hour, count) VALUES ($1, $2, $3, $4)
             ON CONFLICT (coordinate, client, hour) DO UPDATE SET count = field_usage.count + EXCLUDED.count`,
            [entry.coordinate, entry.client, entry.hour, entry.count],
          );
        }
      });
    },

    /** Clients that used each coordinate since `since`, sorted by name. */
    async usage(coordinates: string[], since: Date): Promise<Map<string, string[]>> {
      const result = new Map<string, string[]>();
      if (coordinates.length === 0) return result;
      const rows = await db.query<{ coordinate: string; client: string }>(
        `SELECT DISTINCT coordinate, client FROM field_usage
          WHERE coordinate = ANY($1::text[]) AND hour >= $2 ORDER BY coordinate, client`,
        [coordinates, since.toISOString()],
      );
      for (const row of rows) result.set(row.coordinate, [...(result.get(row.coordinate) ?? []), row.client]);
      return result;
    },
  };
}

async function activateIn(
  tx: Queryable,
  name: string,
  version: number,
  approvedBy: string | null,
  supergraphSdl: string | null,
  reason: string,
): Promise<void> {
  await tx.query(
    "UPDATE schema_version SET status = 'SUPERSEDED' WHERE subgraph = $1 AND status = 'ACTIVE' AND version <> $2",
    [name, version],
  );
  await tx.query(
    `UPDATE schema_version SET status = 'ACTIVE',
            approved_by = COALESCE(approved_by, $3), approved_at = CASE WHEN approved_by IS NULL AND $3::text IS NOT NULL THEN now() ELSE approved_at END
      WHERE subgraph = $1 AND version = $2`,
    [name, version, approvedBy],
  );
  await tx.query(
    `UPDATE registered_subgraph SET active_version = $2,
            routing_url = (SELECT routing_url FROM schema_version WHERE subgraph = $1 AND version = $2)
      WHERE name = $1`,
    [name, version],
  );
  // The active version's manifest claims its names; a version without one keeps the subgraph's earlier claims.
  const [manifestRow] = await tx.query<{ manifest: unknown }>(
    "SELECT manifest FROM department_manifest WHERE subgraph = $1 AND version = $2",
    [name, version],
  );
  if (manifestRow) {
    const manifest = (
      typeof manifestRow.manifest === "string" ? JSON.parse(manifestRow.manifest) : manifestRow.manifest
    ) as DepartmentManifest;
    await tx.query("DELETE FROM manifest_claim WHERE subgraph = $1", [name]);
    for (const claim of claimedNames(manifest)) {
      await tx.query("INSERT INTO manifest_claim (kind, name, department_id, subgraph) VALUES ($1, $2, $3, $4)", [
        claim.kind,
        claim.name,
        manifest.department.id,
        name,
      ]);
    }
  }
  // null only while bootstrapping several subgraphs, where the last one records the composition of all.
  if (supergraphSdl !== null) {
    await tx.query("INSERT INTO supergraph_revision (sdl, reason) VALUES ($1, $2)", [supergraphSdl, reason]);
  }
}

export type RegistryStore = ReturnType<typeof createRegistryStore>;
