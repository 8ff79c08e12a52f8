/**
 * The catalogue as the system of record (数据资源目录): departments maintain their own entries through the graph, and
 * every change is kept in the entry's history.
 *
 * - Who: officers of the owning department (数据责任部门), or a security administrator (docs/data.md); anyone else gets
 *   DATA_RESOURCE_NOT_OWNED (403), after the shield has let only officers and security administrators call at all.
 * - New entries: an officer catalogues for their own department (which becomes the owner); a security administrator
 *   names the owner. Codes continue the department's sequence (`JA-HEALTH-0011`), under a lock on the department.
 * - What: the entry's description, source, grade and open status, frequency, format, field count and keywords. The
 *   owner is not changed here: composition checks the graph's `@dataResource` declarations against it.
 * - History: each change writes an ENTRY_CHANGED update with the fields before and after; a refresh of the data
 *   writes a DATA_REFRESHED update, from which the entry's `lastUpdatedAt` comes. Entry and history change in one
 *   transaction, so there is no change without its record.
 */
import { randomUUID } from "node:crypto";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import type {
  DataClassification,
  DataOpenStatus,
  DataResource,
  DataResourceUpdate,
  DataUpdateFrequency,
  Prisma,
  PrismaClient,
} from "./generated/prisma/client.ts";

export interface UpdateDataResourceInput {
  id: string;
  description?: string | null;
  authoritativeSource?: string | null;
  classification?: DataClassification | null;
  openStatus?: DataOpenStatus | null;
  openConditions?: string | null;
  updateFrequency?: DataUpdateFrequency | null;
  format?: string | null;
  fieldCount?: number | null;
  keywords?: string[] | null;
  note?: string | null;
}

export interface CreateDataResourceInput {
  name: string;
  description: string;
  authoritativeSource: string;
  classification: DataClassification;
  openStatus: DataOpenStatus;
  openConditions?: string | null;
  updateFrequency: DataUpdateFrequency;
  format: string;
  fieldCount: number;
  keywords: string[];
  streetId?: string | null;
  ownerDepartmentId?: string | null;
  note?: string | null;
}

export interface RecordDataResourceRefreshInput {
  resourceId: string;
  at?: Date | null;
  note?: string | null;
}

/** One changed field, values as text. */
export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** The open statuses each grade allows (Data Security Law art. 21; the catalogue's rule). */
export const OPEN_STATUSES_BY_GRADE: Readonly<Record<DataClassification, readonly DataOpenStatus[]>> = {
  PUBLIC: ["OPEN", "CONDITIONAL", "NOT_OPEN"],
  INTERNAL: ["CONDITIONAL", "NOT_OPEN"],
  SENSITIVE: ["NOT_OPEN"],
  CORE: ["NOT_OPEN"],
};

const EDITABLE = [
  "description",
  "authoritativeSource",
  "classification",
  "openStatus",
  "openConditions",
  "updateFrequency",
  "format",
  "fieldCount",
  "keywords",
] as const;
type EditableField = (typeof EDITABLE)[number];

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

/** Throws DATA_RESOURCE_NOT_OWNED unless the caller may maintain `resource`. */
export function requireOwner(principal: Principal, resource: Pick<DataResource, "id" | "ownerDepartmentId">): void {
  if (principal.kind === "security_admin") return;
  if (principal.kind === "officer" && principal.departmentId === resource.ownerDepartmentId) return;
  const who =
    principal.kind === "officer" ? `an officer of ${principal.departmentId ?? "no department"}` : `a ${principal.kind}`;
  throw codedError(
    "DATA_RESOURCE_NOT_OWNED",
    `Catalogue entry ${resource.id} is owned by ${resource.ownerDepartmentId}, and the caller is ${who}: only that department's officers or a security administrator may change it or record its refreshes.`,
    { resourceId: resource.id, ownerDepartmentId: resource.ownerDepartmentId },
  );
}

export async function createDataResource(
  prisma: PrismaClient,
  principal: Principal,
  input: CreateDataResourceInput,
  now: Date,
): Promise<DataResource> {
  const ownerDepartmentId = ownerFor(principal, input.ownerDepartmentId ?? null);
  const name = text(input.name, "input.name", 50);
  if (!name)
    throw codedError("BAD_USER_INPUT", "input.name is blank; give the resource's Chinese name.", {
      argument: "input.name",
    });
  const fields = parseChanges({ id: "", ...input });
  for (const field of ["description", "authoritativeSource", "format"] as const) {
    if (fields[field] === undefined) {
      throw codedError("BAD_USER_INPUT", `input.${field} is blank; every catalogue entry needs one.`, {
        argument: `input.${field}`,
      });
    }
  }
  const entry = {
    description: fields.description as string,
    authoritativeSource: fields.authoritativeSource as string,
    classification: input.classification,
    openStatus: input.openStatus,
    openConditions: input.openStatus === "CONDITIONAL" ? (fields.openConditions ?? null) : null,
    updateFrequency: input.updateFrequency,
    format: fields.format as string,
    fieldCount: fields.fieldCount as number,
    keywords: fields.keywords as string[],
  };
  checkGrade(entry);
  const note = text(input.note, "input.note", 200);
  return prisma.$transaction(async (tx) => {
    // One new code at a time per department: its entries are numbered in sequence.
    const [department] = await tx.$queryRaw<Array<{ code: string }>>`
      SELECT "code" FROM "Department" WHERE "id" = ${ownerDepartmentId} FOR UPDATE`;
    if (!department) {
      throw codedError("NOT_FOUND_ENTITY", `There is no department "${ownerDepartmentId}"; departments lists them.`, {
        argument: "input.ownerDepartmentId",
      });
    }
    if (input.streetId && !(await tx.street.findUnique({ where: { id: input.streetId } }))) {
      throw codedError("NOT_FOUND_ENTITY", `There is no street "${input.streetId}"; streets lists the 14.`, {
        argument: "input.streetId",
      });
    }
    const prefix = `JA-${department.code}-`;
    const last = await tx.dataResource.findFirst({
      where: { code: { startsWith: prefix } },
      orderBy: { code: "desc" },
      select: { code: true },
    });
    const next = (last ? Number(last.code.slice(prefix.length)) : 0) + 1;
    const created = await tx.dataResource.create({
      data: {
        id: `res-${randomUUID()}`,
        code: `${prefix}${String(next).padStart(4, "0")}`,
        name,
        ...entry,
        ownerDepartmentId,
        streetId: input.streetId ?? null,
        publishedAt: now,
      },
    });
    await tx.dataResourceUpdate.create({
      data: {
        id: `upd-${randomUUID()}`,
        resourceId: created.id,
        kind: "ENTRY_CHANGED",
        at: now,
        ...actorOf(principal),
        note: note ?? "编目",
        changes: EDITABLE.map((field) => ({
          field,
          from: null,
          to: asText(created[field]),
        })) as unknown as Prisma.InputJsonValue,
      },
    });
    return created;
  }, TRANSACTION_OPTIONS);
}

/** The owner of a new entry: the officer's own department, or the one a security administrator names. */
function ownerFor(principal: Principal, named: string | null): string {
  if (principal.kind === "security_admin") {
    if (!named) {
      throw codedError(
        "BAD_USER_INPUT",
        "A security administrator names the owning department in input.ownerDepartmentId.",
        {
          argument: "input.ownerDepartmentId",
        },
      );
    }
    return named;
  }
  const own = principal.kind === "officer" ? principal.departmentId : null;
  if (!own || (named && named !== own)) {
    requireOwner(principal, { id: "(new entry)", ownerDepartmentId: named ?? "a department" });
  }
  return own as string;
}

export async function updateDataResource(
  prisma: PrismaClient,
  principal: Principal,
  input: UpdateDataResourceInput,
  now: Date,
): Promise<DataResource> {
  const wanted = parseChanges(input);
  const note = text(input.note, "input.note", 200);
  return prisma.$transaction(async (tx) => {
    // Lock the entry: two simultaneous changes queue, and each records what it really changed.
    await tx.$queryRaw`SELECT "id" FROM "DataResource" WHERE "id" = ${input.id} FOR UPDATE`;
    const current = await tx.dataResource.findUnique({ where: { id: input.id } });
    if (!current) throw noSuchResource(input.id);
    requireOwner(principal, current);
    const next: DataResource = { ...current, ...wanted };
    if (next.openStatus !== "CONDITIONAL") next.openConditions = null;
    checkGrade(next);
    const changes = EDITABLE.filter((field) => !sameValue(current[field], next[field])).map(
      (field): FieldChange => ({ field, from: asText(current[field]), to: asText(next[field]) }),
    );
    if (changes.length === 0) {
      throw codedError(
        "BAD_USER_INPUT",
        `The input changes nothing in ${input.id}: give at least one field with a new value.`,
        { argument: "input" },
      );
    }
    const data: Prisma.DataResourceUpdateInput = Object.fromEntries(
      changes.map(({ field }) => [field, next[field as EditableField]]),
    );
    const updated = await tx.dataResource.update({ where: { id: input.id }, data });
    await tx.dataResourceUpdate.create({
      data: {
        id: `upd-${randomUUID()}`,
        resourceId: input.id,
        kind: "ENTRY_CHANGED",
        at: now,
        ...actorOf(principal),
        note: note ?? null,
        changes: changes as unknown as Prisma.InputJsonValue,
      },
    });
    return updated;
  }, TRANSACTION_OPTIONS);
}

export async function recordDataResourceRefresh(
  prisma: PrismaClient,
  principal: Principal,
  input: RecordDataResourceRefreshInput,
  now: Date,
): Promise<DataResourceUpdate> {
  const note = text(input.note, "input.note", 200);
  const resource = await prisma.dataResource.findUnique({ where: { id: input.resourceId } });
  if (!resource) throw noSuchResource(input.resourceId, "input.resourceId");
  requireOwner(principal, resource);
  const at = input.at ?? now;
  if (at.getTime() > now.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `input.at (${at.toISOString()}) is in the future; record a refresh once it has happened.`,
      { argument: "input.at" },
    );
  }
  if (at.getTime() < resource.publishedAt.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `input.at (${at.toISOString()}) is before ${resource.id} was catalogued (${resource.publishedAt.toISOString()}); give the time of the refresh.`,
      { argument: "input.at" },
    );
  }
  return prisma.dataResourceUpdate.create({
    data: {
      id: `upd-${randomUUID()}`,
      resourceId: resource.id,
      kind: "DATA_REFRESHED",
      at,
      ...actorOf(principal),
      note: note ?? null,
    },
  });
}

/** The changes as stored (`[{ field, from, to }]`), for the API. */
export function changesOf(update: Pick<DataResourceUpdate, "changes">): FieldChange[] {
  return Array.isArray(update.changes) ? (update.changes as unknown as FieldChange[]) : [];
}

function actorOf(principal: Principal) {
  return {
    actorId: principal.id,
    actorDepartmentId: principal.kind === "officer" ? principal.departmentId : null,
  };
}

function noSuchResource(id: string, argument = "input.id") {
  return codedError("NOT_FOUND_ENTITY", `There is no catalogue entry "${id}"; dataResources lists them.`, {
    argument,
  });
}

function parseChanges(input: UpdateDataResourceInput): Partial<Pick<DataResource, EditableField>> {
  const changes: Partial<Pick<DataResource, EditableField>> = {};
  const description = text(input.description, "input.description", 500);
  if (description !== undefined) changes.description = description;
  const source = text(input.authoritativeSource, "input.authoritativeSource", 100);
  if (source !== undefined) changes.authoritativeSource = source;
  if (input.classification) changes.classification = input.classification;
  if (input.openStatus) changes.openStatus = input.openStatus;
  const conditions = text(input.openConditions, "input.openConditions", 500);
  if (conditions !== undefined) changes.openConditions = conditions;
  if (input.updateFrequency) changes.updateFrequency = input.updateFrequency;
  const format = text(input.format, "input.format", 30);
  if (format !== undefined) changes.format = format;
  if (input.fieldCount != null) {
    if (!Number.isInteger(input.fieldCount) || input.fieldCount < 1 || input.fieldCount > 1000) {
      throw codedError("BAD_USER_INPUT", `input.fieldCount is ${input.fieldCount}; give a number from 1 to 1000.`, {
        argument: "input.fieldCount",
      });
    }
    changes.fieldCount = input.fieldCount;
  }
  if (input.keywords != null) {
    const keywords = [...new Set(input.keywords.map((keyword) => keyword.trim()))];
    if (keywords.length === 0 || keywords.length > 20 || keywords.some((k) => k.length === 0 || k.length > 20)) {
      throw codedError(
        "BAD_USER_INPUT",
        'input.keywords must hold 1 to 20 keywords of 1 to 20 characters each (关键词), e.g. ["停车", "泊位"].',
        { argument: "input.keywords" },
      );
    }
    changes.keywords = keywords;
  }
  return changes;
}

function checkGrade(entry: Pick<DataResource, "classification" | "openStatus" | "openConditions">): void {
  const allowed = OPEN_STATUSES_BY_GRADE[entry.classification];
  if (!allowed.includes(entry.openStatus)) {
    throw codedError(
      "BAD_USER_INPUT",
      `A ${entry.classification} resource cannot be ${entry.openStatus}: its open status must be one of ${allowed.join(", ")}.`,
      { argument: "input.openStatus" },
    );
  }
  if (entry.openStatus === "CONDITIONAL" && !entry.openConditions) {
    throw codedError(
      "BAD_USER_INPUT",
      "A CONDITIONAL resource needs openConditions: say what a user must agree to (有条件开放的条件).",
      { argument: "input.openConditions" },
    );
  }
}

/** Trimmed text within `max` characters; undefined when not given (null or blank). */
function text(value: string | null | undefined, argument: string, max: number): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (trimmed.length > max) {
    throw codedError("BAD_USER_INPUT", `${argument} has ${trimmed.length} characters; shorten it to at most ${max}.`, {
      argument,
    });
  }
  return trimmed;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return Array.isArray(value) ? value.join(" ") : String(value);
}
