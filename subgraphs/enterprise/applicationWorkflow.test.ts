import { describe, expect, it } from "vitest";
import { allowedNextStatuses, holderOf, planTransition, type WorkflowItem } from "./applicationWorkflow.ts";

const ITEMS: WorkflowItem[] = [
  { id: "svc-open-business-01", departmentId: "dept-market", name: "企业设立登记" },
  { id: "svc-open-business-02", departmentId: "dept-public-security", name: "公章刻制备案" },
];

describe("application workflow", () => {
  it("reviews items in order, each by its own department, and approves only after the last", () => {
    const accepted = planTransition({ status: "SUBMITTED", currentItemId: null }, "ACCEPTED", ITEMS);
    expect(accepted).toMatchObject({
      ok: true,
      transition: { departmentId: "dept-admin-service", serviceItemId: null },
    });
    // The window dispatches to the first item; each department then passes the application on to the next item.
    const first = planTransition({ status: "ACCEPTED", currentItemId: null }, "IN_REVIEW", ITEMS);
    expect(first).toMatchObject({
      ok: true,
      transition: { currentItemId: ITEMS[0]!.id, serviceItemId: ITEMS[0]!.id, departmentId: "dept-admin-service" },
    });
    const second = planTransition({ status: "IN_REVIEW", currentItemId: ITEMS[0]!.id }, "IN_REVIEW", ITEMS);
    expect(second).toMatchObject({
      ok: true,
      transition: { currentItemId: ITEMS[1]!.id, serviceItemId: ITEMS[1]!.id, departmentId: "dept-market" },
    });
    const approved = planTransition({ status: "IN_REVIEW", currentItemId: ITEMS[1]!.id }, "APPROVED", ITEMS);
    expect(approved).toMatchObject({ ok: true, transition: { departmentId: "dept-public-security" } });
    const early = planTransition({ status: "IN_REVIEW", currentItemId: ITEMS[0]!.id }, "APPROVED", ITEMS);
    expect(early).toEqual({
      ok: false,
      reason:
        "The application is IN_REVIEW (reviewing item 1 of 2, 企业设立登记); it can move to IN_REVIEW, RETURNED_FOR_CORRECTION or REJECTED, not APPROVED. Every item must be reviewed first: move to IN_REVIEW for the next item.",
    });
    expect(allowedNextStatuses({ status: "IN_REVIEW", currentItemId: ITEMS[1]!.id }, ITEMS)).toEqual([
      "APPROVED",
      "RETURNED_FOR_CORRECTION",
      "REJECTED",
    ]);
    const done = planTransition({ status: "APPROVED", currentItemId: ITEMS[1]!.id }, "COMPLETED", ITEMS);
    expect(done).toMatchObject({ ok: true, transition: { currentItemId: null, departmentId: "dept-admin-service" } });
  });

  it("resumes review at the item that returned the application for correction", () => {
    const returned = planTransition(
      { status: "IN_REVIEW", currentItemId: ITEMS[1]!.id },
      "RETURNED_FOR_CORRECTION",
      ITEMS,
    );
    expect(returned).toMatchObject({
      ok: true,
      transition: { currentItemId: ITEMS[1]!.id, departmentId: "dept-public-security" },
    });
    expect(allowedNextStatuses({ status: "RETURNED_FOR_CORRECTION", currentItemId: ITEMS[1]!.id }, ITEMS)).toEqual([
      "SUBMITTED",
    ]);
    const resumed = planTransition({ status: "ACCEPTED", currentItemId: ITEMS[1]!.id }, "IN_REVIEW", ITEMS);
    expect(resumed).toMatchObject({ ok: true, transition: { serviceItemId: ITEMS[1]!.id } });
  });

  it("names the department that holds the application and takes its next step", () => {
    expect(holderOf({ status: "SUBMITTED", currentItemId: null }, ITEMS)).toBe("dept-admin-service");
    expect(holderOf({ status: "IN_REVIEW", currentItemId: ITEMS[1]!.id }, ITEMS)).toBe("dept-public-security");
    expect(holderOf({ status: "RETURNED_FOR_CORRECTION", currentItemId: ITEMS[1]!.id }, ITEMS)).toBe(
      "dept-admin-service",
    );
    expect(holderOf({ status: "COMPLETED", currentItemId: null }, ITEMS)).toBeNull();
  });

  it("refuses any move out of a final status and says so", () => {
    for (const status of ["REJECTED", "COMPLETED"] as const) {
      expect(allowedNextStatuses({ status, currentItemId: null }, ITEMS)).toEqual([]);
      const plan = planTransition({ status, currentItemId: null }, "SUBMITTED", ITEMS);
      expect(plan).toEqual({
        ok: false,
        reason: `The application is ${status}, a final status: it cannot move to SUBMITTED or anywhere else. Submit a new application instead.`,
      });
    }
    expect(planTransition({ status: "SUBMITTED", currentItemId: null }, "COMPLETED", ITEMS)).toEqual({
      ok: false,
      reason:
        "The application is SUBMITTED; it can move to ACCEPTED, RETURNED_FOR_CORRECTION or REJECTED, not COMPLETED.",
    });
  });
});
