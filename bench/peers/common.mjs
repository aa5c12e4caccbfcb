// Shared by the peer benches: the zero-latency stub answers (the same shapes agentry's agents
// return), the task pool, the peak-RSS sampler and the result line. Plain JS, own package.
export const BRIEF = Object.freeze({
  goal: 'Get early-access sign-ups for the v2 analytics dashboard',
  channel: 'blog',
  audience: 'Heads of marketing at mid-size SaaS companies',
  tone: 'clear, confident, no hype',
  constraints: ['no pricing'],
  brandNotes: "We say 'teams', not 'users'.",
  canonNotes: '',
  contentType: 'launch-announcement',
});

const ANSWERS = {
  author: () => ({
    title: 'Lens v2: see every campaign in one place',
    content: 'Lens v2 shows your teams every campaign in one place. Join the early-access list today.',
    channelFields: { slug: 'lens-v2', metaDescription: 'Lens v2 early access' },
    seoKeywords: ['analytics dashboard'],
    callToAction: 'Join the early-access list',
    confidence: 0.9,
    rationale: 'Leads with the outcome the audience cares about.',
  }),
  canon: () => ({ verdict: 'approve', score: 9, issues: [], confidence: 0.9, rationale: 'No canon issue found.' }),
  cultural: () => ({ verdict: 'approve', score: 9, issues: [], confidence: 0.9, rationale: 'No cultural issue found.' }),
  coordinator: () => ({ decision: 'approve', reasons: ['both reviews approve'], followUps: [], confidence: 0.9, rationale: 'Weighed the reviews.' }),
};

/** The zero-latency model: answers at once with a fresh object, as agentry's stub does. */
export function stub(agent) {
  return Promise.resolve(ANSWERS[agent]());
}

/** Runs `count` jobs with at most `inFlight` at once; resolves with the wall time in ms. */
export async function pool(count, inFlight, job) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return performance.now() - started;
}

export function options(argv = process.argv.slice(2)) {
  const opts = { warmup: 200, tasks: 2000, inFlight: 50 };
  for (const arg of argv) {
    const m = /^--(warmup|tasks|in-flight)=(\d+)$/.exec(arg);
    if (m) opts[m[1] === 'in-flight' ? 'inFlight' : m[1]] = Number(m[2]);
  }
  return opts;
}

/** Samples RSS every 50 ms; the peak is the larger of that and getrusage maxRSS. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 50);
  timer.unref();
  return {
    peakMb() {
      sample();
      clearInterval(timer);
      return Math.round((Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1024 / 1024) * 10) / 10;
    },
  };
}

/** Warm-up, then sequential, then `inFlight` at once; prints the one JSON result line. */
export async function measure(bench, task, opts = options()) {
  const rss = rssSampler();
  let completed = 0;
  const counted = async (i) => {
    if ((await task(i)) === true) completed += 1;
  };
  await pool(opts.warmup, opts.inFlight, counted);
  const seqMs = await pool(opts.tasks, 1, counted);
  const conMs = await pool(opts.tasks, opts.inFlight, counted);
  const total = opts.warmup + 2 * opts.tasks;
  if (completed !== total) throw new Error(`${bench}: only ${completed} of ${total} tasks completed`);
  const result = {
    bench,
    sequentialPerSec: (opts.tasks / seqMs) * 1000,
    concurrentPerSec: (opts.tasks / conMs) * 1000,
    peakRssMb: rss.peakMb(),
    completed,
    options: opts,
  };
  console.log(JSON.stringify(result));
  return result;
}
