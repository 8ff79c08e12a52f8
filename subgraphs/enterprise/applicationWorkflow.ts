/**
 * The status rules of a bundled-service application (一件事申请), pure so that the mutation, the seed and the tests
 * share them:
 *
 *   SUBMITTED ──> ACCEPTED ──> IN_REVIEW (item 1) ──> IN_REVIEW (item 2) … ──> APPROVED ──> COMPLETED
 *       │                          │  (each item, by its department)
 *       ├──> RETURNED_FOR_CORRECTION <──┤        ──> SUBMITTED again (review resumes at the item that returned it)
 *       └──> REJECTED <────────────────┘
 *
 * Whoever holds the application takes the next step: the comprehensive window (综合窗口, 区行政服务中心) accepts,
 * returns or rejects at intake, dispatches it to review, takes corrected applications back in and completes the
 * bundle; while an item is IN_REVIEW, that item's department decides — it passes the application on to the next
 * item (IN_REVIEW), approves the bundle after the last item (APPROVED), returns it or rejects it. REJECTED and
 * COMPLETED are final.
 */
import type { ServiceApplicationStatus } from "./generated/prisma/client.ts";
import { ADMIN_SERVICE_DEPARTMENT_ID } from "./jinganEnterprises.ts";

export interface WorkflowItem {
  id: string;
  departmentId: string;
  name: string;
}

export interface WorkflowState {
  status: ServiceApplicationStatus;
  /** The item under review, or the one review resumes at; null before review starts and after completion. */
  currentItemId: string | null;
}

export interface Transition {
  status: ServiceApplicationStatus;
  currentItemId: string | null;
  /** Who takes the step: the department holding the application before it (`holderOf`). */
  departmentId: string;
  /** The item the step concerns: the one entering review, or the one just reviewed; null at the window. */
  serviceItemId: string | null;
}

/** The materials of a bundle: each item's, asked for once (一表申请), in item order. */
export function bundleMaterials(items: ReadonlyArray<{ materials: readonly string[] }>): string[] {
  return [...new Set(items.flatMap((item) => item.materials))];
}

/** Statuses that must say why (the applicant has to know what to correct, or why not). */
export const NOTE_REQUIRED: ReadonlySet<ServiceApplicationStatus> = new Set(["REJECTED", "RETURNED_FOR_CORRECTION"]);

export const FINAL_STATUSES: ReadonlySet<ServiceApplicationStatus> = new Set(["REJECTED", "COMPLETED"]);

function itemIndex(state: WorkflowState, items: readonly WorkflowItem[]): number {
  return state.currentItemId === null ? -1 : items.findIndex((item) => item.id === state.currentItemId);
}

/** The statuses an application may move to next, in the order they are offered. */
export function allowedNextStatuses(state: WorkflowState, items: readonly WorkflowItem[]): ServiceApplicationStatus[] {
  switch (state.status) {
    case "SUBMITTED":
      return ["ACCEPTED", "RETURNED_FOR_CORRECTION", "REJECTED"];
    case "ACCEPTED":
      return ["IN_REVIEW"];
    case "IN_REVIEW":
      return itemIndex(state, items) < items.length - 1
        ? ["IN_REVIEW", "RETURNED_FOR_CORRECTION", "REJECTED"]
        : ["APPROVED", "RETURNED_FOR_CORRECTION", "REJECTED"];
    case "RETURNED_FOR_CORRECTION":
      return ["SUBMITTED"];
    case "APPROVED":
      return ["COMPLETED"];
    case "REJECTED":
    case "COMPLETED":
      return [];
  }
}

/**
 * The department that holds the application and takes its next step: the reviewing item's department while
 * IN_REVIEW, the window otherwise; null once final.
 */
export function holderOf(state: WorkflowState, items: readonly WorkflowItem[]): string | null {
  if (FINAL_STATUSES.has(state.status)) return null;
  if (state.status === "IN_REVIEW") {
    const item = items[itemIndex(state, items)];
    if (item) return item.departmentId;
  }
  return ADMIN_SERVICE_DEPARTMENT_ID;
}

/**
 * What moving to `to` means, or a sentence explaining why it is not allowed (naming the allowed next statuses).
 * `items` are the bundle's items in review order.
 */
export function planTransition(
  state: WorkflowState,
  to: ServiceApplicationStatus,
  items: readonly WorkflowItem[],
): { ok: true; transition: Transition } | { ok: false; reason: string } {
  const allowed = allowedNextStatuses(state, items);
  if (!allowed.includes(to)) return { ok: false, reason: refusal(state, to, items, allowed) };
  const index = itemIndex(state, items);
  const current = index >= 0 ? items[index]! : null;
  const step = (currentItemId: string | null, serviceItemId: string | null): Transition => ({
    status: to,
    currentItemId,
    departmentId: holderOf(state, items)!,
    serviceItemId,
  });
  switch (to) {
    case "ACCEPTED":
    case "SUBMITTED":
      return { ok: true, transition: step(state.currentItemId, null) };
    case "IN_REVIEW": {
      // From ACCEPTED: start with the first item, or resume at the one that returned the application.
      const next = state.status === "ACCEPTED" ? (current ?? items[0]!) : items[index + 1]!;
      return { ok: true, transition: step(next.id, next.id) };
    }
    case "APPROVED":
      return { ok: true, transition: step(current!.id, current!.id) };
    case "RETURNED_FOR_CORRECTION":
    case "REJECTED":
      return {
        ok: true,
        transition: state.status === "IN_REVIEW" ? step(current!.id, current!.id) : step(state.currentItemId, null),
      };
    case "COMPLETED":
      return { ok: true, transition: step(null, null) };
  }
}

function refusal(
  state: WorkflowState,
  to: ServiceApplicationStatus,
  items: readonly WorkflowItem[],
  allowed: ServiceApplicationStatus[],
): string {
  const index = itemIndex(state, items);
  const where =
    state.status === "IN_REVIEW" && index >= 0
      ? ` (reviewing item ${index + 1} of ${items.length}, ${items[index]!.name})`
      : "";
  if (allowed.length === 0) {
    return `The application is ${state.status}${where}, a final status: it cannot move to ${to} or anywhere else. Submit a new application instead.`;
  }
  const hint =
    to === "APPROVED" && state.status === "IN_REVIEW"
      ? " Every item must be reviewed first: move to IN_REVIEW for the next item."
      : "";
  return `The application is ${state.status}${where}; it can move to ${joinOr(allowed)}, not ${to}.${hint}`;
}

function joinOr(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? "") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}
