// Summarises a V8 CPU profile (node --cpu-prof) as text: self time by area (our folders, each
// dependency, GC, idle) and the top functions by self time. For bench/README.md's profile notes.
// Run: node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profile-task.js && node dist/bench/profile-cpu.js /tmp/prof/<file>.cpuprofile [--top=25]
import { readFile } from 'node:fs/promises';
import { isMain } from './harness.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: our top-level folder, a package, node internals, or V8's own. */
export function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return `(${functionName || 'anonymous'})`.replace(/^\(\((.*)\)\)$/, '($1)');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/dist\/([^/]+)\/(?:([^/]+)\/)?/.exec(url);
  if (ours?.[1] !== undefined) return ours[1] === 'machines' && ours[2] !== undefined ? `machines/${ours[2]}` : ours[1];
  return url;
}

export function nameOf(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^.*\/(dist|node_modules)\//, '');
  return `${frame.functionName || '(anonymous)'} ${file === '' ? '' : `${file}:${frame.lineNumber + 1}`}`.trim();
}

/** Adds `amount` to the total kept under `key`. */
export function addTo(totals: Map<string, number>, key: string, amount: number): void {
  totals.set(key, (totals.get(key) ?? 0) + amount);
}

/** The `top` largest totals, largest first. */
export function topRows(totals: Map<string, number>, top: number): [string, number][] {
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
}

function table(title: string, totals: Map<string, number>, all: number, top: number): string {
  return [title, ...topRows(totals, top).map(([k, us]) => `  ${((us / all) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)].join('\n');
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    all += us;
    addTo(areas, areaOf(node.callFrame), us);
    addTo(fns, nameOf(node.callFrame), us);
  });
  return [`${(all / 1000).toFixed(0)} ms sampled`, table('self time by area', areas, all, top), table('self time by function', fns, all, top)].join('\n');
}

if (isMain(import.meta.url)) {
  const [file, ...rest] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: node dist/bench/profile-cpu.js <file.cpuprofile> [--top=N]');
  const top = Number(/^--top=(\d+)$/.exec(rest[0] ?? '')?.[1] ?? 25);
  console.log(summarise(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, top));
}
