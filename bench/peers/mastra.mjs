// Mastra peer: the 4-step content workflow (author, then canon + cultural in .parallel(), then
// coordinator) with its LibSQL file store in a temp folder, zero-latency stub model.
// Run: npm run bench:peers && node bench/peers/mastra.mjs [--warmup=200] [--tasks=2000] [--in-flight=50]
process.env.MASTRA_TELEMETRY_DISABLED = '1';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mastra } from '@mastra/core/mastra';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { LibSQLStore } from '@mastra/libsql';
import { z } from 'zod';
import { BRIEF, measure, stub } from './common.mjs';

const Brief = z.object({ goal: z.string(), channel: z.string(), audience: z.string(), tone: z.string(), constraints: z.array(z.string()), brandNotes: z.string(), canonNotes: z.string(), contentType: z.string() });
const Draft = z.object({ title: z.string(), content: z.string(), channelFields: z.record(z.string(), z.string()), seoKeywords: z.array(z.string()), callToAction: z.string(), confidence: z.number(), rationale: z.string() });
const Review = z.object({ verdict: z.enum(['approve', 'revise', 'reject']), score: z.number(), issues: z.array(z.object({ severity: z.string(), quote: z.string(), fix: z.string() })), confidence: z.number(), rationale: z.string() });
const Decision = z.object({ decision: z.string(), reasons: z.array(z.string()), followUps: z.array(z.string()), confidence: z.number(), rationale: z.string() });

const author = createStep({ id: 'author', inputSchema: Brief, outputSchema: Draft, execute: () => stub('author') });
const canon = createStep({ id: 'canon', inputSchema: Draft, outputSchema: Review, execute: () => stub('canon') });
const cultural = createStep({ id: 'cultural', inputSchema: Draft, outputSchema: Review, execute: () => stub('cultural') });
const coordinator = createStep({ id: 'coordinator', inputSchema: z.object({ canon: Review, cultural: Review }), outputSchema: Decision, execute: () => stub('coordinator') });

const content = createWorkflow({ id: 'content', inputSchema: Brief, outputSchema: Decision })
  .then(author)
  .parallel([canon, cultural])
  .then(coordinator)
  .commit();

const dir = mkdtempSync(join(tmpdir(), 'agentry-bench-mastra-'));
try {
  const mastra = new Mastra({
    workflows: { content },
    storage: new LibSQLStore({ id: 'bench', url: `file:${join(dir, 'mastra.db')}` }),
    logger: false,
  });
  const workflow = mastra.getWorkflow('content');
  const task = async () => {
    const run = await workflow.createRun();
    const result = await run.start({ inputData: { ...BRIEF } });
    return result.status === 'success' && result.result?.decision === 'approve';
  };
  await measure('mastra-libsql', task);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
