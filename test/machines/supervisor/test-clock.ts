// XState's SimulatedClock, plus which timers are armed: a test waits for a timer to be armed
// (real I/O may come first) before it moves simulated time past it.
import { SimulatedClock } from 'xstate';

export class TestClock extends SimulatedClock {
  private readonly armed = new Map<number, number>();

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = super.setTimeout(() => {
      this.armed.delete(id);
      fn();
    }, timeout);
    this.armed.set(id, this.now() + timeout);
    return id;
  }

  override clearTimeout(id: number): void {
    this.armed.delete(id);
    super.clearTimeout(id);
  }

  /** Whether a timer is armed to fire at exactly `at`. */
  armedAt(at: number): boolean {
    return [...this.armed.values()].includes(at);
  }
}

