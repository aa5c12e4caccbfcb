// The random-review draw, made deterministic: the same task and action always draw the same
// number, so a replayed decision is the same decision.

/** FNV-1a over `taskId` and `action`, then murmur3's finaliser; → [0, 1). */
export function sampleFor(taskId: string, action: string): number {
  const text = `${taskId}\u0000${action}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV alone leaves the high bits of near-identical ids ("task-1", "task-2") close together.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
