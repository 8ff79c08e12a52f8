/**
 * Account administration (统一用户管理) by security admins: create, disable and enable people, assign roles, reset
 * credentials, register integrator applications. Each runs in one transaction, so a failure changes nothing;
 * conditional updates and unique indexes settle races (two admins disabling the same person: one succeeds, the
 * other learns it is already disabled). Slow work (scrypt hashing) happens before the transaction opens.
 */
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import { manifestOfficerScopes } from "./access/departmentManifests.ts";
import { recordAppEvent } from "./apps/appLifecycle.ts";
import type { IntegratorApp, Person, PersonKind } from "./generated/prisma/client.ts";
import type { IdentityPrisma } from "./loaders.ts";
import { loginAttemptId, loginGate } from "./loginThrottle.ts";
import type { ResolvedIdentityOptions } from "./options.ts";
import { clientSecret, hashSecret, passwordProblem, temporaryPassword, verifySecret } from "./passwords.ts";
import { DEFAULT_ROLE, DEPARTMENT_SCOPES, isStreetId, ROLE_NAMES, type RoleName } from "./roles.ts";
import { revokePersonSessions } from "./sessions.ts";

/** On PGlite transactions queue behind each other; give them longer than Prisma's 2 s default to start. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

const USERNAME = /^[a-z][a-z0-9._-]{2,31}$/;
const DEPARTMENT_ID = /^dept-[a-z0-9-]{2,60}$/;
const APP_KEY = /^[a-z][a-z0-9-]{2,40}$/;
/** Roles a person may hold; `integrator` belongs to applications. */
const PERSON_ROLES: string[] = ROLE_NAMES.filter((role) => role !== "integrator");

export interface CreatePersonInput {
  username: string;
  displayName: string;
  kind: PersonKind;
  roles?: string[] | null;
  departmentId?: string | null;
  streetIds?: string[] | null;
  residentId?: string | null;
}

export interface RegisterIntegratorAppInput {
  key: string;
  name: string;
  ownerDepartmentId: string;
  allowedScopes: string[];
}

export interface CredentialsPayload {
  person: Person;
  temporaryPassword: string;
}

function badInput(argument: string, message: string) {
  return codedError("BAD_USER_INPUT", message, { argument });
}

function notFound(personId: string, argument: string) {
  return codedError(
    "NOT_FOUND_ENTITY",
    `There is no account "${personId.slice(0, 64)}"; find the id with people(filter: …).`,
    { argument },
  );
}

function checkRoles(roles: string[], argument: string): RoleName[] {
  if (roles.length === 0) throw badInput(argument, `Give at least one role: ${PERSON_ROLES.join(", ")}.`);
  const unknown = roles.filter((role) => !PERSON_ROLES.includes(role));
  if (unknown.length > 0) {
    throw badInput(
      argument,
      `Role "${unknown[0]?.slice(0, 40)}" cannot be given to a person; choose from ${PERSON_ROLES.join(", ")}.`,
    );
  }
  return [...new Set(roles)].sort() as RoleName[];
}

function checkName(value: string, argument: string, max: number): string {
  const text = value.trim();
  if (text.length === 0 || text.length > max) {
    throw badInput(argument, `${argument} must have 1 to ${max} characters; it has ${text.length}.`);
  }
  return text;
}

export class IdentityAdmin {
  constructor(
    private readonly prisma: IdentityPrisma,
    private readonly options: ResolvedIdentityOptions,
  ) {}

  async createPerson(input: CreatePersonInput): Promise<CredentialsPayload> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      throw badInput(
        "input.username",
        `Username "${input.username.slice(0, 40)}" is not allowed: use 3–32 lower-case letters, digits, ".", "_" or "-", starting with a letter.`,
      );
    }
    const displayName = checkName(input.displayName, "input.displayName", 64);
    const roles = checkRoles(input.roles ?? [DEFAULT_ROLE[input.kind]], "input.roles");
    const streetIds = [...new Set(input.streetIds ?? [])];
    const unknownStreet = streetIds.find((id) => !isStreetId(id));
    if (unknownStreet) {
      throw badInput(
        "input.streetIds",
        `"${unknownStreet.slice(0, 40)}" is not one of the 14 street ids (street-jingansi …).`,
      );
    }
    const departmentId = input.departmentId?.trim() || null;
    if (departmentId && !DEPARTMENT_ID.test(departmentId)) {
      throw badInput(
        "input.departmentId",
        `"${departmentId.slice(0, 40)}" is not a department id such as dept-health.`,
      );
    }
    if (input.kind === "ENTERPRISE") {
      // An enterprise user must name the enterprise they act for, which createPerson does not take yet.
      throw badInput(
        "input.kind",
        "Enterprise (法人) accounts are provisioned with their enterprise, not by createPerson.",
      );
    }
    if (input.kind === "OFFICER" && !departmentId) {
      throw badInput("input.departmentId", "An officer needs a department: give departmentId, e.g. dept-health.");
    }
    if (!departmentId && streetIds.length > 0) {
      throw badInput("input.streetIds", "A jurisdiction belongs to a department membership: give departmentId too.");
    }
    if (input.kind === "RESIDENT" && departmentId) {
      throw badInput("input.departmentId", "A resident's account has no department; leave departmentId out.");
    }
    const residentId = input.residentId?.trim() || null;
    if (input.kind === "RESIDENT" && !residentId) {
      throw badInput("input.residentId", "A resident's account needs residentId, e.g. resident-000123.");
    }
    if (input.kind !== "RESIDENT" && residentId) {
      throw badInput("input.residentId", "Only a RESIDENT account links to a resident record; leave residentId out.");
    }

    const password = temporaryPassword();
    const passwordHash = await hashSecret(password);
    const now = this.options.now();
    const person = await this.prisma
      .$transaction(async (tx) => {
        const [{ next }] = await tx.$queryRaw<[{ next: bigint }]>`SELECT nextval('"person_number"') AS next`;
        const id = `person-${String(next).padStart(6, "0")}`;
        const created = await tx.person.create({
          data: {
            id,
            username,
            displayName,
            kind: input.kind,
            status: "ACTIVE",
            passwordHash,
            passwordChangedAt: now,
            mustChangePassword: true,
            createdAt: now,
          },
        });
        await tx.personRole.createMany({ data: roles.map((roleName) => ({ personId: id, roleName })) });
        if (departmentId) {
          await tx.officerMembership.create({
            data: {
              personId: id,
              departmentId,
              streetIds,
              // A department onboarded by its manifest grants what the manifest says (./access/departmentManifests.ts).
              scopes: DEPARTMENT_SCOPES[departmentId] ?? (await manifestOfficerScopes(tx, departmentId)) ?? [],
            },
          });
        }
        if (residentId) {
          const linked = await tx.resident.updateMany({
            where: { id: residentId, personId: null },
            data: { personId: id },
          });
          if (linked.count !== 1) {
            const exists = await tx.resident.findUnique({ where: { id: residentId }, select: { personId: true } });
            throw badInput(
              "input.residentId",
              exists
                ? `Resident "${residentId}" already has an account (${exists.personId}); reset its credentials instead.`
                : `There is no resident "${residentId.slice(0, 40)}"; ids run from resident-000001 to resident-060000.`,
            );
          }
        }
        return created;
      }, TRANSACTION_OPTIONS)
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) {
          throw badInput("input.username", `Username "${username}" is taken; choose another.`);
        }
        throw error;
      });
    return { person, temporaryPassword: password };
  }

  async disablePerson(id: string, actor: Principal): Promise<Person> {
    if (id === actor.id) {
      throw codedError(
        "INVALID_STATE_TRANSITION",
        "You cannot disable your own account; ask another security administrator.",
        { argument: "id" },
      );
    }
    const now = this.options.now();
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.person.updateMany({
        where: { id, status: "ACTIVE" },
        data: { status: "DISABLED", disabledAt: now },
      });
      const person = await tx.person.findUnique({ where: { id } });
      if (!person) throw notFound(id, "id");
      if (changed.count !== 1) {
        throw codedError(
          "INVALID_STATE_TRANSITION",
          `Account "${id}" is already DISABLED; enablePerson reverses that.`,
          {
            argument: "id",
          },
        );
      }
      await revokePersonSessions(tx, id, "person-disabled", now, this.options.accessTokenTtlSeconds);
      return person;
    }, TRANSACTION_OPTIONS);
  }

  async enablePerson(id: string): Promise<Person> {
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.person.updateMany({
        where: { id, status: "DISABLED" },
        data: { status: "ACTIVE", disabledAt: null },
      });
      const person = await tx.person.findUnique({ where: { id } });
      if (!person) throw notFound(id, "id");
      if (changed.count !== 1) {
        throw codedError("INVALID_STATE_TRANSITION", `Account "${id}" is already ACTIVE.`, { argument: "id" });
      }
      return person;
    }, TRANSACTION_OPTIONS);
  }

  async assignRoles(personId: string, requested: string[], actor: Principal): Promise<Person> {
    const roles = checkRoles(requested, "roles");
    if (personId === actor.id && !roles.includes("security_admin")) {
      throw badInput(
        "roles",
        "You cannot take the role security_admin from yourself; ask another security administrator.",
      );
    }
    return this.prisma.$transaction(async (tx) => {
      const person = await tx.person.findUnique({ where: { id: personId } });
      if (!person) throw notFound(personId, "personId");
      await tx.personRole.deleteMany({ where: { personId } });
      await tx.personRole.createMany({ data: roles.map((roleName) => ({ personId, roleName })) });
      return person;
    }, TRANSACTION_OPTIONS);
  }

  async resetCredentials(personId: string): Promise<CredentialsPayload> {
    const password = temporaryPassword();
    const passwordHash = await hashSecret(password);
    const now = this.options.now();
    const person = await this.prisma.$transaction(async (tx) => {
      const changed = await tx.person.updateMany({
        where: { id: personId },
        data: { passwordHash, passwordChangedAt: now, mustChangePassword: true },
      });
      if (changed.count !== 1) throw notFound(personId, "personId");
      await revokePersonSessions(tx, personId, "credentials-reset", now, this.options.accessTokenTtlSeconds);
      return tx.person.findUniqueOrThrow({ where: { id: personId } });
    }, TRANSACTION_OPTIONS);
    return { person, temporaryPassword: password };
  }

  async registerIntegratorApp(input: RegisterIntegratorAppInput, actor: Principal) {
    const key = input.key.trim();
    if (!APP_KEY.test(key)) {
      throw badInput(
        "input.key",
        `Key "${key.slice(0, 40)}" is not allowed: use 3–41 lower-case letters, digits or "-".`,
      );
    }
    const name = checkName(input.name, "input.name", 80);
    const ownerDepartmentId = input.ownerDepartmentId.trim();
    if (!DEPARTMENT_ID.test(ownerDepartmentId)) {
      throw badInput(
        "input.ownerDepartmentId",
        `"${ownerDepartmentId.slice(0, 40)}" is not a department id such as dept-transport.`,
      );
    }
    const integrator = await this.prisma.role.findUnique({ where: { name: "integrator" } });
    const grantable = integrator?.scopes ?? [];
    const allowedScopes = [...new Set(input.allowedScopes)].sort();
    const refused = allowedScopes.filter((scope) => !grantable.includes(scope));
    if (allowedScopes.length === 0 || refused.length > 0) {
      throw badInput(
        "input.allowedScopes",
        `${refused.length > 0 ? `Scope "${refused[0]?.slice(0, 40)}" cannot be given to an application. ` : "Give at least one scope. "}Applications may hold: ${grantable.join(", ")}.`,
      );
    }
    const secret = clientSecret();
    const clientSecretHash = await hashSecret(secret);
    const id = `app-${key}`;
    let app: IntegratorApp;
    const now = this.options.now();
    try {
      app = await this.prisma.$transaction(async (tx) => {
        const created = await tx.integratorApp.create({
          data: {
            id,
            name,
            clientId: id,
            clientSecretHash,
            allowedScopes,
            requestedScopes: allowedScopes,
            requestedById: actor.id,
            ownerDepartmentId,
            status: "ACTIVE",
            createdAt: now,
          },
        });
        await recordAppEvent(tx, id, "REGISTERED", actor, now, null, { scopes: allowedScopes });
        return created;
      }, TRANSACTION_OPTIONS);
    } catch (error) {
      if (isUniqueViolation(error))
        throw badInput("input.key", `Application "${id}" exists already; choose another key.`);
      throw error;
    }
    return { app, clientId: app.clientId, clientSecret: secret };
  }

  /**
   * Unlocks an account after repeated failed logins: an UNLOCKED row in the login log (with the admin and the reason)
   * from which on earlier failures no longer count against the account (loginThrottle.ts). Idempotent: unlocking an
   * account that is not locked only records the unlock. Answers whether it was locked, and until when.
   */
  async unlockAccount(personId: string, reasonText: string, actor: Principal) {
    const reason = reasonText.trim();
    if (reason.length < 3 || reason.length > 500) {
      throw badInput("reason", "Say why in `reason` (3–500 characters): it goes into the login log.");
    }
    const person = await this.prisma.person.findUnique({ where: { id: personId } });
    if (!person) throw notFound(personId, "personId");
    const now = this.options.now();
    // From an address never seen before: the lock an attacker could have caused, as an unknown address meets it.
    const gate = await loginGate(
      this.prisma,
      { usernameKey: person.username, personId: person.id, clientIp: "unlock", knownAddress: false },
      now,
    );
    await this.prisma.loginAttempt.create({
      data: {
        id: loginAttemptId(now),
        username: person.username,
        usernameKey: person.username,
        personId: person.id,
        clientIp: `session:${actor.sessionId ?? "none"}`,
        outcome: "UNLOCKED",
        at: now,
        actorId: actor.id,
        note: reason,
      },
    });
    const wasLocked = gate.state === "locked";
    return {
      person,
      wasLocked,
      lockedUntil: wasLocked ? new Date(now.getTime() + gate.retryAfterSeconds * 1000) : null,
    };
  }

  /**
   * The caller changes their own password. The current password is checked under the same lockout as logins (a
   * stolen access token must not become a password oracle), and every other session of the person is revoked.
   */
  async changeMyPassword(actor: Principal, currentPassword: string, newPassword: string): Promise<boolean> {
    const person = actor.id ? await this.prisma.person.findUnique({ where: { id: actor.id } }) : null;
    if (!person || actor.issuer !== this.options.issuer) {
      throw codedError("FORBIDDEN", "Only people with an account of this identity service can change a password here.");
    }
    const problem = passwordProblem(newPassword, person.username);
    if (problem) throw badInput("newPassword", problem);
    const now = this.options.now();
    // Counted per session: the session was opened with the right password (a known "address"), so the account's lock
    // never blocks its owner here, while a stolen token still meets the backoff after a few wrong guesses.
    const clientIp = `session:${actor.sessionId ?? "none"}`;
    const gate = await loginGate(
      this.prisma,
      { usernameKey: person.username, personId: person.id, clientIp, knownAddress: true },
      now,
    );
    if (gate.state === "locked") {
      throw codedError(
        "ACCOUNT_LOCKED",
        `The account is locked after repeated failed logins; retry in ${gate.retryAfterSeconds} seconds.`,
        {
          retryAfterSeconds: gate.retryAfterSeconds,
        },
      );
    }
    if (gate.state === "throttled") {
      throw codedError(
        "LOGIN_THROTTLED",
        `Too many failed password checks; retry in ${gate.retryAfterSeconds} seconds.`,
        {
          retryAfterSeconds: gate.retryAfterSeconds,
        },
      );
    }
    if (currentPassword.length > 1024 || !(await verifySecret(currentPassword, person.passwordHash))) {
      await this.prisma.loginAttempt.create({
        data: {
          id: loginAttemptId(now),
          username: person.username,
          usernameKey: person.username,
          personId: person.id,
          clientIp,
          outcome: "BAD_PASSWORD",
          at: now,
        },
      });
      throw codedError("INVALID_CREDENTIALS", "The current password is wrong; nothing was changed.", {
        argument: "currentPassword",
      });
    }
    const passwordHash = await hashSecret(newPassword);
    await this.prisma.$transaction(async (tx) => {
      await tx.person.update({
        where: { id: person.id },
        data: { passwordHash, passwordChangedAt: now, mustChangePassword: false },
      });
      await revokePersonSessions(
        tx,
        person.id,
        "password-changed",
        now,
        this.options.accessTokenTtlSeconds,
        actor.sessionId,
      );
    }, TRANSACTION_OPTIONS);
    return true;
  }
}
