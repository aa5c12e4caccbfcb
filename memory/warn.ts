// The slice of a pino logger the store needs; a pino Logger satisfies it structurally.

export interface StoreLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}
