// A stand-in OpenAI Responses upstream for `bench streams`: every streamed request is started
// (created, in_progress, a message item, its first text delta) and then held open, like a long
// generation in progress, until the process ends. Run as its own process (its sockets count
// against a per-process file limit); prints its URL.
// https://platform.openai.com/docs/api-reference/responses-streaming
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const frame = (seq: number, type: string, fields: Record<string, unknown>): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...fields })}\n\n`;

function response(model: string, id: string): Record<string, unknown> {
  return { id, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'in_progress', model, output: [], usage: null, error: null, incomplete_details: null, service_tier: 'default' };
}

let served = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: string };
    const id = `resp_hold${(served++).toString(16).padStart(8, '0')}`;
    const model = body.model ?? 'gpt-mock';
    const item = { id: `msg_${id}`, type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(
      frame(0, 'response.created', { response: response(model, id) }) +
        frame(1, 'response.in_progress', { response: response(model, id) }) +
        frame(2, 'response.output_item.added', { output_index: 0, item }) +
        frame(3, 'response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }) +
        frame(4, 'response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: 'Hello' }),
    );
  });
});
server.maxConnections = Infinity;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
