/**
 * Submitting and advancing bundled-service applications (一件事申请与流转).
 *
 * Each write is one interactive transaction: the application row and its timeline event are written together or not
 * at all. Concurrent transitions are settled by the database: a transition updates the application only where its
 * `version` is still the one the decision was made on, and the event's (applicationId, sequence) is unique, so two
 * reviewers acting at once produce one step, not two.
 */
import { randomUUID } from "node:crypto";
import { codedError } from "../../lib/errors.ts";
import { bundleMaterials, NOTE_REQUIRED, planTransition } from "./applicationWorkflow.ts";
import type { ServiceApplication, ServiceApplicationStatus } from "./generated/prisma/client.ts";
import { ADMIN_SERVICE_DEPARTMENT_ID } from "./jinganEnterprises.ts";
import type { EnterprisePrisma } from "./loaders.ts";

export interface SubmitApplicationInput {
  enterpriseId: string;
  serviceId: string;
  materials: string[];
}

export interface AdvanceApplicationInput {
  applicationId: string;
  toStatus: ServiceApplicationStatus;
  note?: string | null;
}

export const MAX_NOTE_LENGTH = 500;
const MAX_MATERIALS = 50;
const MAX_MATERIAL_LENGTH = 100;
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

export function eventId(applicationId: string, sequence: number): string {
  return `${applicationId}-${String(sequence).padStart(2, "0")}`;
}

export async function submitApplication(
  prisma: EnterprisePrisma,
  input: SubmitApplicationInput,
  now: Date,
): Promise<ServiceApplication> {
  const materials = [...new Set(input.materials.map((material) => material.trim()).filter(Boolean))];
  if (materials.length > MAX_MATERIALS || materials.some((material) => material.length > MAX_MATERIAL_LENGTH)) {
    throw codedError(
      "BAD_USER_INPUT",
      `List at most ${MAX_MATERIALS} materials of at most ${MAX_MATERIAL_LENGTH} characters each, by the names bundledService.materials uses.`,
      { argument: "input.materials" },
    );
  }
  return prisma.$transaction(async (tx) => {
    const [enterprise, service] = await Promise.all([
      tx.enterprise.findUnique({ where: { id: input.enterpriseId }, select: { id: true } }),
      tx.bundledService.findUnique({
        where: { id: input.serviceId },
        include: { items: { orderBy: { sequence: "asc" } } },
      }),
    ]);
    if (!enterprise) {
      throw codedError("NOT_FOUND_ENTITY", `There is no enterprise "${input.enterpriseId}"; check the id.`, {
        argument: "input.enterpriseId",
      });
    }
    if (!service) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no bundled service "${input.serviceId}"; choose one from bundledServices.`,
        { argument: "input.serviceId" },
      );
    }
    const missing = bundleMaterials(service.items).filter((material) => !materials.includes(material));
    if (missing.length > 0) {
      throw codedError(
        "BAD_USER_INPUT",
        `${service.name} needs ${missing.length} more material${missing.length === 1 ? "" : "s"}: ${missing.join("、")}. Add ${missing.length === 1 ? "it" : "them"} to input.materials and submit again.`,
        { argument: "input.materials", missing },
      );
    }
    const id = `app-${randomUUID()}`;
    const application = await tx.serviceApplication.create({
      data: {
        id,
        enterpriseId: enterprise.id,
        bundledServiceId: service.id,
        status: "SUBMITTED",
        currentItemId: null,
        materials,
        submittedAt: now,
        updatedAt: now,
        version: 1,
      },
    });
    await tx.applicationEvent.create({
      data: {
        id: eventId(id, 1),
        applicationId: id,
        sequence: 1,
        status: "SUBMITTED",
        at: now,
        departmentId: ADMIN_SERVICE_DEPARTMENT_ID,
      },
    });
    return application;
  }, TRANSACTION_OPTIONS);
}

/**
 * `authorize` receives the department that takes the step (the one holding the application) and throws when the
 * caller may not act for it; it runs after the transition is known and before anything is written.
 */
export async function advanceApplication(
  prisma: EnterprisePrisma,
  input: AdvanceApplicationInput,
  now: Date,
  authorize: (actingDepartmentId: string) => void,
): Promise<ServiceApplication> {
  const note = input.note?.trim() || null;
  if (note && note.length > MAX_NOTE_LENGTH) {
    throw codedError(
      "BAD_USER_INPUT",
      `The note has ${note.length} characters; shorten it to at most ${MAX_NOTE_LENGTH}.`,
      { argument: "input.note" },
    );
  }
  if (!note && NOTE_REQUIRED.has(input.toStatus)) {
    throw codedError(
      "BAD_USER_INPUT",
      `Moving an application to ${input.toStatus} needs a note telling the enterprise why and what to do; add input.note.`,
      { argument: "input.note" },
    );
  }
  return prisma.$transaction(async (tx) => {
    const application = await tx.serviceApplication.findUnique({ where: { id: input.applicationId } });
    if (!application) {
      throw codedError("NOT_FOUND_ENTITY", `There is no application "${input.applicationId}"; check the id.`, {
        argument: "input.applicationId",
      });
    }
    const items = await tx.serviceItem.findMany({
      where: { bundledServiceId: application.bundledServiceId },
      orderBy: { sequence: "asc" },
    });
    const plan = planTransition(application, input.toStatus, items);
    if (!plan.ok) {
      throw codedError("INVALID_STATE_TRANSITION", `Application "${application.id}": ${plan.reason}`, {
        argument: "input.toStatus",
        status: application.status,
      });
    }
    const { transition } = plan;
    authorize(transition.departmentId);
    const sequence = application.version + 1;
    const moved = await tx.serviceApplication.updateMany({
      where: { id: application.id, version: application.version },
      data: {
        status: transition.status,
        currentItemId: transition.currentItemId,
        updatedAt: now,
        version: sequence,
      },
    });
    if (moved.count === 0) {
      throw codedError(
        "INVALID_STATE_TRANSITION",
        `Application "${application.id}" changed while this request was deciding on it (it was ${application.status}); read it again and decide on its current status.`,
        { argument: "input.applicationId", status: application.status },
      );
    }
    await tx.applicationEvent.create({
      data: {
        id: eventId(application.id, sequence),
        applicationId: application.id,
        sequence,
        status: transition.status,
        at: now,
        departmentId: transition.departmentId,
        serviceItemId: transition.serviceItemId,
        note,
      },
    });
    return {
      ...application,
      status: transition.status,
      currentItemId: transition.currentItemId,
      updatedAt: now,
      version: sequence,
    };
  }, TRANSACTION_OPTIONS);
}
