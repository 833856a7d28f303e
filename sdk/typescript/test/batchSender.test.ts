import { BatchSender, type BatchOutcome } from '../src/batchSender';

/** A sender that records its batches and answers each with the next scripted outcome. */
function recording(outcomes: BatchOutcome[] = []) {
  const batches: number[][] = [];
  let inFlight = 0;
  let overlapped = false;
  const send = async (batch: number[]): Promise<BatchOutcome> => {
    inFlight++;
    if (inFlight > 1) overlapped = true;
    batches.push([...batch]);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return outcomes.shift() ?? 'done';
  };
  return { batches, send, overlapped: () => overlapped };
}

describe('BatchSender', () => {
  it('sends full batches at once, the rest on flush, one request at a time and in order', async () => {
    const r = recording();
    const sender = new BatchSender({ batchSize: 3, flushIntervalMs: 60_000, send: r.send });
    for (let i = 0; i < 8; i++) sender.push(i);
    expect(sender.queued).toBe(8);
    await sender.flush();
    expect(r.batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
    expect(r.overlapped()).toBe(false);
    expect(sender.idle).toBe(true);
  });

  it('sends a partial batch when its oldest item has waited the interval', async () => {
    const r = recording();
    const sender = new BatchSender({ batchSize: 100, flushIntervalMs: 20, send: r.send });
    sender.push(1);
    sender.push(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.batches).toEqual([[1, 2]]);
  });

  it('holds a kept batch unchanged and sends it first at the next flush', async () => {
    const r = recording(['keep']);
    const sender = new BatchSender({ batchSize: 2, flushIntervalMs: 60_000, send: r.send });
    sender.push(1);
    sender.push(2);
    sender.push(3);
    await sender.flush();
    expect(r.batches).toEqual([[1, 2]]);
    expect(sender.queued).toBe(3);
    sender.push(4);
    await sender.flush();
    expect(r.batches).toEqual([
      [1, 2],
      [1, 2],
      [3, 4],
    ]);
    expect(sender.queued).toBe(0);
  });

  it('flushes the sender it comes after before each of its batches', async () => {
    const order: string[] = [];
    const first = new BatchSender<string>({
      batchSize: 10,
      flushIntervalMs: 60_000,
      send: async (b) => {
        order.push(...b);
        return 'done';
      },
    });
    const second = new BatchSender<string>({
      batchSize: 1,
      flushIntervalMs: 60_000,
      after: first,
      send: async (b) => {
        order.push(...b);
        return 'done';
      },
    });
    first.push('prediction');
    second.push('label');
    await second.flush();
    expect(order).toEqual(['prediction', 'label']);
  });

  it('after close, sends only on flush', async () => {
    const r = recording();
    const sender = new BatchSender({ batchSize: 100, flushIntervalMs: 10, send: r.send });
    sender.close();
    sender.push(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(r.batches).toEqual([]);
    await sender.flush();
    expect(r.batches).toEqual([[1]]);
  });
});
