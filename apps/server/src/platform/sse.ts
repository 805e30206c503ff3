import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers with a server-sent event stream: each message `listen` hands over becomes one
 * `data:` line; a comment every 25 s keeps proxies from closing an idle stream. `listen`
 * returns its own unsubscribe, called when the client goes.
 */
export function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  listen: (send: (message: unknown) => void) => () => void,
) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  const unsubscribe = listen((message) => res.write(`data: ${JSON.stringify(message)}\n\n`));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
  request.raw.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
