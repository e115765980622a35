// A client taken from the pool for several statements (a transaction, the migration lock). While it
// is out, a connection that dies between two statements reports the error on the client itself: it
// is caught here, so the statement in progress or the next one fails instead of the process.
import type pg from 'pg';

export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.off('error', onError);
    // A broken connection is discarded rather than handed to the next caller.
    client.release(broken);
  }
}
