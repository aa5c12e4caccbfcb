// LangGraph.js peer: the 4-step content workflow as a StateGraph with a MemorySaver
// checkpointer (a checkpoint after every super-step), zero-latency stub model.
// Run: npm run bench:peers && node bench/peers/langgraph.mjs [--warmup=200] [--tasks=2000] [--in-flight=50]
import { randomUUID } from 'node:crypto';
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { BRIEF, measure, stub } from './common.mjs';

const State = Annotation.Root({
  brief: Annotation(),
  draft: Annotation(),
  canonReview: Annotation(),
  culturalReview: Annotation(),
  decision: Annotation(),
});

const graph = new StateGraph(State)
  .addNode('author', async () => ({ draft: await stub('author') }))
  .addNode('canon', async () => ({ canonReview: await stub('canon') }))
  .addNode('cultural', async () => ({ culturalReview: await stub('cultural') }))
  .addNode('coordinator', async () => ({ decision: await stub('coordinator') }))
  .addEdge(START, 'author')
  .addEdge('author', 'canon')
  .addEdge('author', 'cultural')
  .addEdge(['canon', 'cultural'], 'coordinator')
  .addEdge('coordinator', END)
  .compile({ checkpointer: new MemorySaver() });

async function task() {
  const out = await graph.invoke({ brief: { ...BRIEF } }, { configurable: { thread_id: randomUUID() } });
  return out.decision?.decision === 'approve' && out.canonReview !== undefined && out.culturalReview !== undefined;
}

await measure('langgraph-memorysaver', task);
