/**
 * Resolvers of the identity subgraph. `me` describes the caller from the gateway's signed envelope; administration
 * needs the role security_admin (the audit lists also admit auditor); Resident is this subgraph's entity, its base
 * fields shown masked, and to a resident only about themself. Every hop goes through the request's loaders.
 */

import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { maskValue } from "../../lib/access/classification.ts";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import { DateTime } from "../kit/dateTime.ts";
import { pageOf } from "../kit/pageOf.ts";
import type { ConnectionArgs, ListArgs } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { visibleRow } from "../kit/rowRule.ts";
import { boundedText } from "../kit/textFilter.ts";
import { type CreatePersonInput, IdentityAdmin, type RegisterIntegratorAppInput } from "./admin.ts";
import type {
  IntegratorApp,
  LoginAttempt,
  LoginOutcome,
  Person,
  PersonKind,
  PersonStatus,
  Prisma,
  Resident,
} from "./generated/prisma/client.ts";
import type { IdentityContext } from "./loaders.ts";
import type { ResolvedIdentityOptions } from "./options.ts";
import { residentRows } from "./permissions.ts";
import type { SigningKeyStore } from "./signingKeys.ts";

const MAX_TEXT_FILTER_LENGTH = 64;

interface PersonFilter {
  kind?: PersonKind | null;
  status?: PersonStatus | null;
  departmentId?: string | null;
  role?: string | null;
  usernameContains?: string | null;
}

interface LoginAttemptFilter {
  username?: string | null;
  personId?: string | null;
  clientIp?: string | null;
  outcome?: LoginOutcome | null;
  from?: Date | null;
  to?: Date | null;
}

export interface IdentityResolverDependencies {
  options: ResolvedIdentityOptions;
  keys: SigningKeyStore;
}

export const ADMIN = ["security_admin"];
export const ADMIN_OR_AUDITOR = ["security_admin", "auditor"];

/** Refuses anonymous callers and callers without one of the roles, naming what is needed. */
export function requireRole(principal: Principal, roles: string[], action: string): void {
  if (principal.kind === "anonymous") {
    throw codedError("AUTHENTICATION_REQUIRED", `${action} needs a logged-in caller; send a bearer token.`);
  }
  if (!roles.some((role) => principal.roles.includes(role))) {
    throw codedError(
      "FORBIDDEN",
      `${action} needs the role ${roles.join(" or ")}; the caller has ${principal.roles.join(", ") || "no role"}.`,
      { requiredRoles: roles },
    );
  }
}

/**
 * Per-field check of a resident's personal fields, under the Resident row rule (`residentRows`): residents see only
 * themselves, anonymous callers, auditors, applications and the gateway nothing; officers and security admins are
 * further governed by the gateway's field policies (`resident-identity`, `clear-*`).
 */
function assertMayReadResident(principal: Principal, resident: Resident): void {
  if (principal.kind === "anonymous") {
    throw codedError("AUTHENTICATION_REQUIRED", "A resident's details need a logged-in caller; send a bearer token.");
  }
  if (principal.kind === "resident" && principal.residentId !== resident.id) {
    throw codedError("FORBIDDEN", "A resident may read only their own details; this resident is someone else.");
  }
  // Auditors reach a resident to audit who accessed their data (the Resident row rule), never their identity.
  if (principal.kind === "auditor" || principal.kind === "app" || principal.kind === "system") {
    throw codedError("FORBIDDEN", "A resident's identity is for the resident, officers of their streets and admins.");
  }
}

/** `310***********1234`: the first 3 and the last 4 characters stay (the gateway's id-card mask). */
export function maskIdNumber(idNumber: string): string {
  return maskValue(idNumber, "id-card") as string;
}

/** `138****5678` (the gateway's phone mask). */
export function maskPhone(phone: string): string {
  return maskValue(phone, "phone") as string;
}

const street = (id: string) => ({ __typename: "Street", id });
const department = (id: string | null | undefined) => (id ? { __typename: "Department", id } : null);

const byId = resolveById<IdentityContext>();

export function createResolvers({ options, keys }: IdentityResolverDependencies): GraphQLResolverMap<IdentityContext> {
  const now = options.now;

  return {
    DateTime,

    Query: {
      me: (_: unknown, __: unknown, { principal }: IdentityContext) =>
        principal.kind === "anonymous" ? null : principal,

      people: (_: unknown, args: ListArgs<PersonFilter>, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Listing accounts");
        const where = personWhere(args.filter);
        return pageOf("people", args, prisma.person, where);
      },

      loginAttempts: (_: unknown, args: ListArgs<LoginAttemptFilter>, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading the login audit");
        const where = loginAttemptWhere(args.filter);
        return pageOf("loginAttempts", args, prisma.loginAttempt, where);
      },

      integratorApps: (_: unknown, args: ConnectionArgs, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Listing integrator applications");
        return pageOf("integratorApps", args, prisma.integratorApp, {});
      },
    },

    Mutation: {
      createPerson: (_: unknown, { input }: { input: CreatePersonInput }, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "createPerson");
        return new IdentityAdmin(prisma, options).createPerson(input);
      },
      disablePerson: (_: unknown, { id }: Reference, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "disablePerson");
        return new IdentityAdmin(prisma, options).disablePerson(id, principal);
      },
      enablePerson: (_: unknown, { id }: Reference, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "enablePerson");
        return new IdentityAdmin(prisma, options).enablePerson(id);
      },
      assignRoles: (
        _: unknown,
        { personId, roles }: { personId: string; roles: string[] },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "assignRoles");
        return new IdentityAdmin(prisma, options).assignRoles(personId, roles, principal);
      },
      resetCredentials: (_: unknown, { personId }: { personId: string }, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "resetCredentials");
        return new IdentityAdmin(prisma, options).resetCredentials(personId);
      },
      registerIntegratorApp: (
        _: unknown,
        { input }: { input: RegisterIntegratorAppInput },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "registerIntegratorApp");
        return new IdentityAdmin(prisma, options).registerIntegratorApp(input, principal);
      },
      unlockAccount: (
        _: unknown,
        { personId, reason }: { personId: string; reason: string },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "unlockAccount");
        return new IdentityAdmin(prisma, options).unlockAccount(personId, reason, principal);
      },
      rotateSigningKey: (_: unknown, __: unknown, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "rotateSigningKey");
        return keys.rotate(prisma, now());
      },
      changeMyPassword: (
        _: unknown,
        { currentPassword, newPassword }: { currentPassword: string; newPassword: string },
        { prisma, principal }: IdentityContext,
      ) => {
        if (principal.kind === "anonymous") {
          throw codedError("AUTHENTICATION_REQUIRED", "Log in to change your password.");
        }
        return new IdentityAdmin(prisma, options).changeMyPassword(principal, currentPassword, newPassword);
      },
    },

    Me: {
      id: (me: Principal) => me.id ?? me.kind,
      kind: (me: Principal) => me.kind.toUpperCase(),
      displayName: async (me: Principal, _: unknown, { loaders }: IdentityContext) => {
        if (!me.id) return me.kind;
        if (me.kind === "app") return (await loaders.appById.load(me.id))?.name ?? me.id;
        if (me.kind === "system") return me.id;
        return (await loaders.personById.load(me.id))?.displayName ?? me.id;
      },
      roles: (me: Principal) => me.roles,
      scopes: (me: Principal) => me.scopes,
      department: (me: Principal) => department(me.departmentId),
      jurisdiction: (me: Principal) => me.streetIds.map(street),
      resident: async (me: Principal, _: unknown, context: IdentityContext) =>
        me.kind === "resident" && me.residentId
          ? visibleRow(residentRows, await context.loaders.residentById.load(me.residentId), context)
          : null,
      mustChangePassword: async (me: Principal, _: unknown, { loaders }: IdentityContext) => {
        const person = me.id && me.kind !== "app" && me.kind !== "system" ? await loaders.personById.load(me.id) : null;
        return person?.mustChangePassword ?? false;
      },
    },

    Resident: {
      __resolveReference: byId.reference("residentById", residentRows),
      name: (resident: Resident, _: unknown, { principal }: IdentityContext) => {
        assertMayReadResident(principal, resident);
        return resident.name;
      },
      idNumberMasked: (resident: Resident, _: unknown, { principal }: IdentityContext) => {
        assertMayReadResident(principal, resident);
        return maskIdNumber(resident.idNumber);
      },
      phoneMasked: (resident: Resident, _: unknown, { principal }: IdentityContext) => {
        assertMayReadResident(principal, resident);
        return maskPhone(resident.phone);
      },
      // Classified with a mask in the schema: the gateway masks these after this answer unless the caller has clear
      // view of the category for the declared purpose (lib/access/classification.ts).
      idNumber: (resident: Resident, _: unknown, { principal }: IdentityContext) => {
        assertMayReadResident(principal, resident);
        return resident.idNumber;
      },
      phone: (resident: Resident, _: unknown, { principal }: IdentityContext) => {
        assertMayReadResident(principal, resident);
        return resident.phone;
      },
      street: (resident: Resident, _: unknown, { principal }: IdentityContext) => {
        assertMayReadResident(principal, resident);
        return street(resident.streetId);
      },
    },

    IdentityPerson: {
      roles: async (person: Person, _: unknown, { loaders }: IdentityContext) =>
        (await loaders.rolesByPerson.load(person.id)).map((personRole) => personRole.roleName),
      scopes: async (person: Person, _: unknown, { loaders }: IdentityContext) => {
        const [roles, membership] = await Promise.all([
          loaders.rolesByPerson.load(person.id),
          loaders.membershipByPerson.load(person.id),
        ]);
        const scopes = new Set([...roles.flatMap((r) => r.role.scopes), ...(membership?.scopes ?? [])]);
        return [...scopes].sort();
      },
      department: async (person: Person, _: unknown, { loaders }: IdentityContext) =>
        department((await loaders.membershipByPerson.load(person.id))?.departmentId),
      jurisdiction: async (person: Person, _: unknown, { loaders }: IdentityContext) =>
        ((await loaders.membershipByPerson.load(person.id))?.streetIds ?? []).map(street),
      resident: async (person: Person, _: unknown, context: IdentityContext) =>
        person.kind === "RESIDENT"
          ? visibleRow(residentRows, await context.loaders.residentByPerson.load(person.id), context)
          : null,
    },

    IntegratorApp: {
      ownerDepartment: (app: IntegratorApp) => department(app.ownerDepartmentId),
    },

    LoginAttempt: {
      person: (attempt: LoginAttempt, _: unknown, { loaders }: IdentityContext) =>
        attempt.personId ? loaders.personById.load(attempt.personId) : null,
      actor: (attempt: LoginAttempt, _: unknown, { loaders }: IdentityContext) =>
        attempt.actorId ? loaders.personById.load(attempt.actorId) : null,
    },
  };
}

function personWhere(filter: PersonFilter | null | undefined): Prisma.PersonWhereInput {
  const usernameContains = boundedText(filter?.usernameContains, "filter.usernameContains", MAX_TEXT_FILTER_LENGTH);
  const departmentId = boundedText(filter?.departmentId, "filter.departmentId", MAX_TEXT_FILTER_LENGTH);
  const role = boundedText(filter?.role, "filter.role", MAX_TEXT_FILTER_LENGTH);
  return {
    kind: filter?.kind ?? undefined,
    status: filter?.status ?? undefined,
    username: usernameContains ? { contains: usernameContains.toLowerCase() } : undefined,
    membership: departmentId ? { departmentId } : undefined,
    roles: role ? { some: { roleName: role } } : undefined,
  };
}

function loginAttemptWhere(filter: LoginAttemptFilter | null | undefined): Prisma.LoginAttemptWhereInput {
  const { from, to } = filter ?? {};
  if (from && to && from.getTime() >= to.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.from (${from.toISOString()}) must be before filter.to (${to.toISOString()}); swap them or widen the range.`,
      { argument: "filter.from" },
    );
  }
  const username = boundedText(filter?.username, "filter.username", MAX_TEXT_FILTER_LENGTH);
  return {
    usernameKey: username ? username.toLowerCase() : undefined,
    personId: boundedText(filter?.personId, "filter.personId", MAX_TEXT_FILTER_LENGTH),
    clientIp: boundedText(filter?.clientIp, "filter.clientIp", MAX_TEXT_FILTER_LENGTH),
    outcome: filter?.outcome ?? undefined,
    at: from || to ? { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } : undefined,
  };
}
