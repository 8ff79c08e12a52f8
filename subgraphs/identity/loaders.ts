/**
 * Per-request DataLoaders of the identity subgraph: every Resident reference and every hop from a person to their
 * roles, membership or resident record goes through one of these, so 500 residents or a page of 100 people cost the
 * same few SQL statements as ten.
 */

import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

/** The Prisma client the kit creates for this subgraph (query events on, for its SQL statement counter). */
export type IdentityPrisma = PrismaClient<"query">;

export function createLoaders(prisma: IdentityPrisma) {
  return {
    residentById: loaderById((ids) => prisma.resident.findMany({ where: { id: { in: [...ids] } } })),
    residentByPerson: loaderById(
      (personIds) => prisma.resident.findMany({ where: { personId: { in: [...personIds] } } }),
      (resident) => resident.personId as string,
    ),
    personById: loaderById((ids) => prisma.person.findMany({ where: { id: { in: [...ids] } } })),
    appById: loaderById((ids) => prisma.integratorApp.findMany({ where: { id: { in: [...ids] } } })),
    membershipByPerson: loaderById(
      (personIds) => prisma.officerMembership.findMany({ where: { personId: { in: [...personIds] } } }),
      (membership) => membership.personId,
    ),
    rolesByPerson: loaderByGroup(
      (personIds) =>
        prisma.personRole.findMany({
          where: { personId: { in: [...personIds] } },
          include: { role: true },
          orderBy: { roleName: "asc" },
        }),
      (personRole) => personRole.personId,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;

/** What every resolver of the identity subgraph receives: the kit's context with this subgraph's client and loaders. */
export type IdentityContext = SubgraphContext<IdentityPrisma, IdentityLoaders>;
