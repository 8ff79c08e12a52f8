/**
 * The purpose registry's administration (处理目的登记): security admins draft, enable and disable purposes; auditors read
 * them and their history. Like policy administration, it is not itself governed by an editable policy, so no change
 * to the registry can lock the admins out.
 */
import { codedError } from "../../../lib/errors.ts";
import { type ConnectionArgs, paginate } from "../../kit/pagination.ts";
import type { Purpose, PurposeChange, PurposeVersion } from "../generated/prisma/client.ts";
import type { IdentityContext } from "../loaders.ts";
import { ADMIN, ADMIN_OR_AUDITOR, requireRole } from "../resolvers.ts";
import { authorOf } from "./policyStore.ts";
import { PurposeStore } from "./purposeStore.ts";

interface DraftPurposeArgs {
  input: {
    name: string;
    legalBasis: string;
    description: string;
    kinds: string[];
    roles?: string[] | null;
    departments?: string[] | null;
    requiresCase: boolean;
    retentionDays: number;
    reason: string;
  };
}

export function purposeResolvers({ now }: { now: () => Date }) {
  return {
    Query: {
      purposes: (_: unknown, __: unknown, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading the purpose registry");
        return prisma.purpose.findMany({ orderBy: { name: "asc" } });
      },
      purpose: (_: unknown, { name }: { name: string }, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading the purpose registry");
        return prisma.purpose.findUnique({ where: { name } });
      },
      purposeChanges: (
        _: unknown,
        args: ConnectionArgs & { purpose?: string | null },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading the purpose history");
        const where = args.purpose ? { purposeName: args.purpose } : {};
        const store = new PurposeStore(prisma);
        return paginate(
          "purposeChanges",
          args,
          async ({ take, afterId }) =>
            (await store.changes(where, afterId === undefined ? undefined : Number(afterId), take)).map((change) => ({
              ...change,
              id: String(change.id).padStart(12, "0"),
            })),
          () => prisma.purposeChange.count({ where }),
        );
      },
    },
    Mutation: {
      draftPurpose: (_: unknown, { input }: DraftPurposeArgs, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "draftPurpose");
        const { roles, departments, kinds, ...rest } = input;
        return new PurposeStore(prisma).draft(
          authorOf(principal),
          {
            ...rest,
            kinds: kinds.map((kind) => kind.toLowerCase()),
            roles: roles ?? [],
            departments: departments ?? [],
          },
          now(),
        );
      },
      enablePurposeVersion: (
        _: unknown,
        { name, version, reason }: { name: string; version: number; reason: string },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "enablePurposeVersion");
        return new PurposeStore(prisma).enable(authorOf(principal), name, version, reason, now());
      },
      disablePurpose: (
        _: unknown,
        { name, reason }: { name: string; reason: string },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "disablePurpose");
        if (!name.trim()) throw codedError("BAD_USER_INPUT", "Name the purpose to disable.", { argument: "name" });
        return new PurposeStore(prisma).disable(authorOf(principal), name, reason, now());
      },
    },
    ProcessingPurpose: {
      active: (purpose: Purpose, _: unknown, { prisma }: IdentityContext) =>
        purpose.activeVersion === null
          ? null
          : prisma.purposeVersion.findUnique({
              where: { purposeName_version: { purposeName: purpose.name, version: purpose.activeVersion } },
            }),
      versions: (purpose: Purpose, _: unknown, { prisma }: IdentityContext) =>
        prisma.purposeVersion.findMany({ where: { purposeName: purpose.name }, orderBy: { version: "asc" } }),
    },
    ProcessingPurposeVersion: {
      kinds: (version: PurposeVersion) => version.kinds.map((kind) => kind.toUpperCase()),
    },
    ProcessingPurposeChange: {
      id: (change: PurposeChange | (Omit<PurposeChange, "id"> & { id: string })) => Number(change.id),
    },
  };
}
