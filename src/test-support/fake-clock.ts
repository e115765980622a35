// A manual clock for deterministic race tests: time moves only when the test advances it.
import type { Clock } from '../clock.js';

export class FakeClock implements Clock {
  private current = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time forward, firing due timers in order, letting promise callbacks run between. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.current = due.at;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      due.fn();
    }
    this.current = target;
    await flush();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
