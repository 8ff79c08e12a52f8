/**
 * Resolvers of the audit subgraph: the auditors' trail in chain order, the chain verification, and a resident's own
 * data accesses on the Resident entity, newest first. Row rules come from permissions.ts and run on every route.
 *
 * Lists page with the kit's `paginate`, whose cursor key is a node's `id`: here that key is the chain sequence (it
 * orders the trail), and `DataAccessRecord.id` answers the record's uuid.
 */
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { kindEnumValues, PRINCIPAL_KINDS } from "../../lib/contracts/principal.ts";
import { codedError } from "../../lib/errors.ts";
import { residentReference } from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import type { SubgraphContext } from "../kit/module.ts";
import { type ConnectionArgs, paginate } from "../kit/pagination.ts";
import { prismaChainDatabase } from "./chain.ts";
import type { DataAccessRecord, Prisma } from "./generated/prisma/client.ts";
import type { AuditLoaders, AuditPrisma, ResidentAccessRow } from "./loaders.ts";
import { requireAccessesReader, requireAuditReader } from "./permissions.ts";
import { verifyChain } from "./verifyChain.ts";

export type AuditContext = SubgraphContext<AuditPrisma, AuditLoaders>;

interface DataAccessRecordFilter {
  principalId?: string | null;
  subjectResidentId?: string | null;
  operationName?: string | null;
  caseReference?: string | null;
  from?: Date | null;
  to?: Date | null;
}

type ListArgs = ConnectionArgs & { filter?: DataAccessRecordFilter | null };
type Reference = { id: string };

/** A record as the graph serves it: `id` is the cursor key (sequence); the uuid stays in `recordId`. */
type RecordNode = DataAccessRecord & { id: string };

const MAX_FILTER_LENGTH = 200;
const SEQUENCE = /^\d{1,19}$/;

const department = (id: string | null) => (id ? { __typename: "Department", id } : null);

export const resolvers: GraphQLResolverMap<AuditContext> = {
  DateTime,

  DataAccessDecision: { ALLOWED: "allowed", MASKED: "masked", DENIED: "denied" },
  DataAccessorKind: kindEnumValues(PRINCIPAL_KINDS),

  Query: {
    dataAccessRecords: (_: unknown, args: ListArgs, { prisma, principal }: AuditContext) => {
      requireAuditReader(principal, "Reading the data-access audit trail");
      const where = recordWhere(args.filter);
      return paginate<RecordNode>(
        "dataAccessRecords",
        args,
        async ({ take, afterId }) => {
          const rows = await prisma.dataAccessRecord.findMany({
            where: afterId === undefined ? where : { AND: [where, { sequence: { gt: sequenceOf(afterId) } }] },
            orderBy: { sequence: "asc" },
            take,
          });
          return rows.map((row) => ({ ...row, id: row.sequence.toString() }));
        },
        () => prisma.dataAccessRecord.count({ where }),
      );
    },

    auditChainVerification: async (_: unknown, __: unknown, { prisma, principal, log }: AuditContext) => {
      requireAuditReader(principal, "Verifying the audit chain");
      const result = await verifyChain(prismaChainDatabase(prisma));
      if (!result.intact) log.warn({ firstBreak: result.firstBreak }, "audit chain verification found a break");
      return {
        intact: result.intact,
        checkedRecords: result.checkedRecords,
        startSequence: result.start.sequence,
        startsAtCheckpoint: result.start.checkpoint,
        headSequence: result.head.sequence,
        headHash: result.head.hash,
        firstBreak: result.firstBreak,
      };
    },
  },

  DataAccessRecord: {
    id: (record: RecordNode) => record.recordId,
    sequence: (record: RecordNode) => record.sequence.toString(),
    department: (record: RecordNode) => department(record.departmentId),
    subjectResidentIds: (record: RecordNode) => record.subjectResidentIds ?? [],
    subjects: (record: RecordNode) => (record.subjectResidentIds ?? []).map((id) => ({ __typename: "Resident", id })),
  },

  ResidentDataAccess: {
    id: (access: ResidentAccessRow) => access.recordId,
    accessorKind: (access: ResidentAccessRow) => access.principalKind,
    accessorDepartment: (access: ResidentAccessRow) => department(access.departmentId),
    application: (access: ResidentAccessRow) => access.applicationId,
  },

  // Resident belongs to identity; the gateway hands us ids and asks for the accesses.
  Resident: {
    __resolveReference: residentReference,
    dataAccesses: (resident: Reference, args: ConnectionArgs, { loaders, principal }: AuditContext) => {
      requireAccessesReader(principal, resident.id);
      return paginate<ResidentAccessRow>(
        "dataAccesses",
        args,
        ({ take, afterId }) =>
          loaders.accessPageByResident.load({
            residentId: resident.id,
            take,
            before: afterId === undefined ? undefined : sequenceOf(afterId).toString(),
          }),
        () => loaders.accessCountByResident.load(resident.id),
      );
    },
  },
};

function sequenceOf(cursorKey: string): bigint {
  if (!SEQUENCE.test(cursorKey)) {
    throw codedError(
      "INVALID_CURSOR",
      "The cursor was not issued by this list; pass an endCursor from it or omit after.",
      {
        argument: "after",
      },
    );
  }
  return BigInt(cursorKey);
}

function text(value: string | null | undefined, name: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_FILTER_LENGTH) {
    throw codedError("BAD_USER_INPUT", `filter.${name} must be 1 to ${MAX_FILTER_LENGTH} characters long.`, {
      argument: `filter.${name}`,
    });
  }
  return value;
}

function recordWhere(filter: DataAccessRecordFilter | null | undefined): Prisma.DataAccessRecordWhereInput {
  const principalId = text(filter?.principalId, "principalId");
  const subject = text(filter?.subjectResidentId, "subjectResidentId");
  const operationName = text(filter?.operationName, "operationName");
  const caseReference = text(filter?.caseReference, "caseReference");
  const { from, to } = filter ?? {};
  if (from && to && from.getTime() >= to.getTime()) {
    throw codedError("BAD_USER_INPUT", "filter.from must be before filter.to.", { argument: "filter.from" });
  }
  return {
    ...(principalId ? { principalId } : {}),
    // `hasEvery` is PostgreSQL's `@>`, which the GIN index on the subjects answers.
    ...(subject ? { subjectResidentIds: { hasEvery: [subject] } } : {}),
    ...(operationName ? { operationName } : {}),
    ...(caseReference ? { caseReference } : {}),
    ...(from || to ? { occurredAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
  };
}
