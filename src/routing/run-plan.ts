// Runs a request's tier plan from the first attempt to the answer (docs/product.md §4): opens it
// (a direct attempt, or the flex race with its fallbacks), re-runs a non-streamed answer whose flex
// run failed after admission on standard, and teaches the statistics how long answers take to
// finish. The server shell keeps the bytes, headers and sockets; this keeps the decisions.
import type { CanonicalResponse, Route, ServedTier } from '../canonical/types.js';
import { assembleResponse } from './assemble.js';
import { openCommitted, openDirect, type Committed, type OpenOptions } from './flex-race.js';

export interface PlanRun {
  /**
   * The route taken so far, final once the run ends: the plan's own for a direct plan, the race's
   * decision once it is taken, `flex_failed_after_admission` after a re-run. A race that ends in an
   * error before deciding (a caller error returned from flex, a client gone) keeps `flex_error`.
   */
  readonly route: Route;
  /**
   * The attempt whose output reaches the caller (the re-run replaces a failed flex attempt); its
   * `warnings` are the ones the answer reports.
   */
  readonly attempt: Committed | undefined;
  /** Opens the plan; resolves with the committed attempt, its first event already read. */
  open(): Promise<Committed>;
  /**
   * A non-streamed caller's answer: the committed attempt read to its final response. A flex run
   * that fails after admission is re-run on standard (nothing was sent yet), unless anything
   * aborted it (client gone, shutdown).
   */
  assemble(): Promise<Assembled>;
  /** The tier to report before the final response says which served (a stream's head). */
  servedTier(): ServedTier;
  /**
   * The whole answer reached the caller: learn its finish time. Streamed answers are left out
   * (their end also waits for the client to read), so only non-streamed answers teach it.
   */
  completed(options: { streamed: boolean }): void;
  /** The answer ended on our side before its upstream completed: abort the upstream attempt. */
  cancel(): void;
}

export interface Assembled {
  response: CanonicalResponse;
  /** The attempt that produced it. */
  served: Committed;
}

export type RunPlanOptions = Omit<OpenOptions, 'onRoute'> & {
  /** Told each failure after admission before the re-run opens (logged by the shell). */
  onRerun?: (error: unknown) => void;
};

export function runPlan(options: RunPlanOptions): PlanRun {
  const { plan, clock, stats, statsKey } = options;
  let route: Route = plan.kind === 'direct' ? plan.route : 'flex_error';
  let attempt: Committed | undefined;
  const open: OpenOptions = { ...options, onRoute: (decided) => (route = decided) };

  const commit = (committed: Committed): Committed => {
    attempt = committed;
    route = committed.route;
    return committed;
  };

  return {
    get route() {
      return route;
    },
    get attempt() {
      return attempt;
    },
    async open() {
      return commit(await openCommitted(open));
    },
    async assemble() {
      const committed = attempt ?? commit(await openCommitted(open));
      try {
        return { response: await assembleResponse(committed.events), served: committed };
      } catch (err) {
        if (committed.tier !== 'flex' || options.clientSignal.aborted) throw err;
        options.onRerun?.(err);
        route = 'flex_failed_after_admission';
        const rerun = commit(await openDirect(open, 'standard', 'flex_failed_after_admission'));
        return { response: await assembleResponse(rerun.events), served: rerun };
      }
    },
    servedTier() {
      const tier = attempt?.tier ?? 'standard';
      return tier === 'auto' ? 'standard' : tier;
    },
    completed({ streamed }) {
      if (streamed || attempt === undefined) return;
      const now = clock.now();
      // Learned per output limit, so long answers do not set the reserve of short ones.
      const limit = options.request.maxOutputTokens;
      const bucket = limit === undefined ? {} : { outputLimit: limit };
      if (attempt.tier === 'standard') stats.recordFinish(statsKey, { tier: 'standard', afterOpenMs: now - attempt.openedAt, ...bucket });
      else if (attempt.tier === 'flex' && attempt.admittedAt !== undefined) {
        stats.recordFinish(statsKey, { tier: 'flex', afterAdmissionMs: now - attempt.admittedAt, ...bucket });
      }
    },
    cancel() {
      attempt?.cancel();
    },
  };
}
