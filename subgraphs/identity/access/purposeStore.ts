/**
 * The purpose registry (处理目的登记), managed exactly like access policies (./policyStore.ts): a security admin drafts a
 * new version of a purpose, then enables it; disabling retires the active version so nobody may declare the purpose.
 * Every version is kept and every change is a row with author and reason; the newest change id is the registry
 * revision the gateway polls (GET /access/purposes). Enabling an older version rolls a change back.
 *
 * Each change locks its purpose row, so two admins changing one purpose are serialised; a partial unique index keeps at
 * most one ACTIVE version per purpose.
 */
import {
  type ActivePurpose,
  PURPOSE_NAME,
  type PurposeDefinition,
  purposeDefinitionSchema,
} from "../../../lib/access/purposes.ts";
import type { PurposeRegistryPayload } from "../../../lib/contracts/purposeRegistry.ts";
import { codedError } from "../../../lib/errors.ts";
import type { Purpose, PurposeChange, PurposeVersion } from "../generated/prisma/client.ts";
import type { IdentityPrisma } from "../loaders.ts";

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

export interface DraftPurposeInput extends Record<string, unknown> {
  name: string;
  reason: string;
}

export class PurposeStore {
  constructor(private readonly prisma: IdentityPrisma) {}

  /** Stores a new DRAFT version (creating the purpose on its first draft). Nobody may declare it until enabled. */
  async draft(authorId: string, input: DraftPurposeInput, now: Date): Promise<PurposeVersion> {
    const name = input.name.trim();
    if (!PURPOSE_NAME.test(name)) {
      throw codedError(
        "BAD_USER_INPUT",
        "Purpose names are lower-case words joined by dashes (2–64 characters), e.g. medical-treatment.",
        { argument: "input.name" },
      );
    }
    const { name: _name, reason: reasonText, ...rest } = input;
    const definition = parseDefinition(rest);
    const reason = requireReason(reasonText);
    return this.prisma.$transaction(async (tx) => {
      await tx.purpose.upsert({ where: { name }, create: { name, createdAt: now, updatedAt: now }, update: {} });
      await tx.$queryRaw`SELECT name FROM purpose WHERE name = ${name} FOR UPDATE`;
      const latest = await tx.purposeVersion.aggregate({ where: { purposeName: name }, _max: { version: true } });
      const version = (latest._max.version ?? 0) + 1;
      const created = await tx.purposeVersion.create({
        data: { purposeName: name, version, ...definition, status: "DRAFT", authorId, reason, createdAt: now },
      });
      await tx.purpose.update({ where: { name }, data: { updatedAt: now } });
      await tx.purposeChange.create({
        data: { purposeName: name, version, kind: "DRAFTED", authorId, reason, at: now },
      });
      return created;
    }, TRANSACTION_OPTIONS);
  }

  /** Makes a version the active one (a draft, or an older version to roll back); the previous one is retired. */
  async enable(authorId: string, name: string, version: number, reasonText: string, now: Date): Promise<Purpose> {
    const reason = requireReason(reasonText);
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<
        Array<{ name: string }>
      >`SELECT name FROM purpose WHERE name = ${name} FOR UPDATE`;
      const target = locked.length
        ? await tx.purposeVersion.findUnique({ where: { purposeName_version: { purposeName: name, version } } })
        : null;
      if (!target) {
        throw codedError("NOT_FOUND_ENTITY", `Purpose ${name} has no version ${version}; see purpose(name).versions.`, {
          argument: "version",
        });
      }
      if (target.status === "ACTIVE") {
        throw codedError(
          "INVALID_STATE_TRANSITION",
          `Version ${version} of purpose ${name} is already the active one.`,
        );
      }
      await tx.purposeVersion.updateMany({
        where: { purposeName: name, status: "ACTIVE" },
        data: { status: "RETIRED" },
      });
      await tx.purposeVersion.update({
        where: { purposeName_version: { purposeName: name, version } },
        data: { status: "ACTIVE" },
      });
      const purpose = await tx.purpose.update({ where: { name }, data: { activeVersion: version, updatedAt: now } });
      await tx.purposeChange.create({
        data: { purposeName: name, version, kind: "ENABLED", authorId, reason, at: now },
      });
      return purpose;
    }, TRANSACTION_OPTIONS);
  }

  /** Retires the active version: from the next poll on, every request declaring the purpose is refused. */
  async disable(authorId: string, name: string, reasonText: string, now: Date): Promise<Purpose> {
    const reason = requireReason(reasonText);
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ active_version: number | null }>>`
        SELECT active_version FROM purpose WHERE name = ${name} FOR UPDATE`;
      const row = locked[0];
      if (!row) throw codedError("NOT_FOUND_ENTITY", `There is no purpose ${name}; see purposes.`);
      if (row.active_version === null) {
        throw codedError("INVALID_STATE_TRANSITION", `Purpose ${name} has no active version to disable.`);
      }
      await tx.purposeVersion.updateMany({
        where: { purposeName: name, status: "ACTIVE" },
        data: { status: "RETIRED" },
      });
      const purpose = await tx.purpose.update({ where: { name }, data: { activeVersion: null, updatedAt: now } });
      await tx.purposeChange.create({
        data: { purposeName: name, version: row.active_version, kind: "DISABLED", authorId, reason, at: now },
      });
      return purpose;
    }, TRANSACTION_OPTIONS);
  }

  /** The registry revision: the newest change id (0 before any purpose exists). */
  async revision(): Promise<number> {
    const latest = await this.prisma.purposeChange.aggregate({ _max: { id: true } });
    return latest._max.id ?? 0;
  }

  /** The active version of every purpose, with the revision read in the same transaction: GET /access/purposes. */
  async activeSet(): Promise<{ revision: number; purposes: ActivePurpose[] }> {
    const [latest, versions] = await this.prisma.$transaction([
      this.prisma.purposeChange.aggregate({ _max: { id: true } }),
      this.prisma.purposeVersion.findMany({ where: { status: "ACTIVE" }, orderBy: { purposeName: "asc" } }),
    ]);
    return { revision: latest._max.id ?? 0, purposes: versions.map(activePurpose) } satisfies PurposeRegistryPayload;
  }

  async changes(where: { purposeName?: string }, afterId: number | undefined, take: number): Promise<PurposeChange[]> {
    return this.prisma.purposeChange.findMany({
      where: { ...where, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) },
      orderBy: { id: "asc" },
      take,
    });
  }
}

export function activePurpose(version: PurposeVersion): ActivePurpose {
  return {
    name: version.purposeName,
    version: version.version,
    legalBasis: version.legalBasis,
    description: version.description,
    kinds: version.kinds as ActivePurpose["kinds"],
    roles: version.roles,
    departments: version.departments,
    requiresCase: version.requiresCase,
    retentionDays: version.retentionDays,
  };
}

export function parseDefinition(input: unknown): PurposeDefinition {
  const parsed = purposeDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `input.${issue.path.join(".")}` : "input";
    throw codedError(
      "BAD_USER_INPUT",
      `The purpose is not valid at ${where}: ${issue?.message ?? "unknown problem"}.`,
      {
        argument: where,
      },
    );
  }
  const definition = parsed.data;
  return {
    ...definition,
    roles: [...new Set(definition.roles)].sort(),
    departments: [...new Set(definition.departments)].sort(),
    kinds: [...new Set(definition.kinds)].sort(),
  };
}

function requireReason(reason: string): string {
  const text = reason.trim();
  if (text.length < 3 || text.length > 500) {
    throw codedError("BAD_USER_INPUT", "Say why in `reason` (3–500 characters): it goes into the purpose history.", {
      argument: "reason",
    });
  }
  return text;
}
