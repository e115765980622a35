// The flex benchmark's workload: Poisson arrivals, a mix of windows from 5 s to 10 min, streamed
// and not, across OpenAI and Gemini flex-capable models. Deterministic under a seed.
import { parseStartWithin } from '../routing/start-within.js';

export interface Job {
  id: number;
  /** Virtual milliseconds after the start of the run. */
  arrivalMs: number;
  model: string;
  startWithin: string;
  windowMs: number;
  stream: boolean;
}

const WINDOWS = ['00h-00m-05s', '00h-00m-10s', '00h-00m-30s', '00h-01m-00s', '00h-02m-00s', '00h-05m-00s', '00h-10m-00s'];
const MODELS = ['gpt-5-mini', 'gpt-5-mini', 'gpt-5.4', 'gemini-2.5-flash'];

export function createWorkload(options: { count: number; seed: number; meanGapMs?: number }): Job[] {
  let s = (options.seed * 2_654_435_761) >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const meanGapMs = options.meanGapMs ?? 300;
  const jobs: Job[] = [];
  let at = 0;
  for (let id = 0; id < options.count; id++) {
    at += -Math.log(1 - rand()) * meanGapMs;
    const startWithin = pick(WINDOWS);
    const parsed = parseStartWithin(startWithin);
    jobs.push({
      id,
      arrivalMs: at,
      model: pick(MODELS),
      startWithin,
      windowMs: parsed.kind === 'flex' ? parsed.windowMs : 0,
      stream: rand() < 0.5,
    });
  }
  return jobs;
}
