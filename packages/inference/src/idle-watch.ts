// Ending a generation whose upstream went quiet for too long. One timer per quiet spell, not one
// per event (a timer set and cleared costs about a microsecond in workerd): an event only notes
// the time, and the timer, when it fires early, waits out the rest of the timeout from then.
export class IdleWatch {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity = 0;
  #stopped = false;

  constructor(
    private readonly timeoutMs: number | undefined,
    private readonly onIdle: (timeoutMs: number) => void,
  ) {}

  /** Notes activity now; starts the timer when none runs. Does nothing without a timeout. */
  activity(): void {
    const timeout = this.timeoutMs;
    if (timeout === undefined || this.#stopped) return;
    this.#lastActivity = Date.now();
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#check(timeout), timeout);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #check(timeout: number): void {
    const quiet = Date.now() - this.#lastActivity;
    if (quiet < timeout) {
      this.#timer = setTimeout(() => this.#check(timeout), timeout - quiet);
      return;
    }
    this.#timer = undefined;
    this.onIdle(timeout);
  }
}
