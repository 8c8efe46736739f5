/**
 * The plant scheduling model and its solver: flexible job shop with sequence-dependent setups, machine calendars,
 * releases, due dates and a makespan/tardiness objective; `solvePlan` schedules, `reschedulePlan` repairs a plan in
 * progress after a disruption, `checkPlanSchedule` lists what a schedule breaks.
 */
export {
  type PlanAlternative,
  type PlanJob,
  type PlanMachine,
  type PlanOperation,
  type PlanProblem,
  type PlanSchedule,
  type PlannedOperation,
  checkPlanSchedule,
  evaluatePlan,
  planFromJobShop,
  validatePlanProblem,
} from './plan-model.js';
export { type PlanGeneratorOptions, generatePlanProblem } from './plan-generator.js';
export { type PlanSolveOptions, type PlanStopReason, defaultPlanIterations } from './plan-search.js';
export { type PlanSolveResult, planLowerBound, solvePlan } from './plan-solver.js';
export {
  type PlanChange,
  type PlanDisruption,
  type RescheduleOptions,
  type RescheduleResult,
  reschedulePlan,
} from './reschedule.js';
