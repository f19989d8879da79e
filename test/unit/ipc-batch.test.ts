import { describe, expect, it } from 'vitest';
import { batchedSend, unbatch, type Batch } from '../../src/cluster/batch.js';

type Message = { t: 'tell' | 'ask'; n: number };
const asks = (message: Message) => message.t === 'ask';
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('IPC batches', () => {
  it('sends what one turn sent as one batch, in order, and each later turn on its own', async () => {
    const sent: Array<Message | Batch<Message>> = [];
    const send = batchedSend<Message>((message) => sent.push(message), asks);
    for (let n = 1; n <= 3; n++) send({ t: 'tell', n });
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([{ t: 'batch', messages: [1, 2, 3].map((n) => ({ t: 'tell', n })) }]);
    send({ t: 'tell', n: 4 });
    await nextTurn();
    send({ t: 'tell', n: 5 });
    send({ t: 'tell', n: 6 });
    await nextTurn();
    expect(sent.slice(1)).toEqual([{ t: 'tell', n: 4 }, { t: 'batch', messages: [{ t: 'tell', n: 5 }, { t: 'tell', n: 6 }] }]);
    expect(sent.flatMap((message) => unbatch(message)).map((message) => message.n)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('sends an urgent message at once, after what was queued before it, and nothing twice', async () => {
    const sent: Array<Message | Batch<Message>> = [];
    const send = batchedSend<Message>((message) => sent.push(message), asks);
    send({ t: 'tell', n: 1 });
    send({ t: 'ask', n: 2 });
    expect(sent).toEqual([{ t: 'batch', messages: [{ t: 'tell', n: 1 }, { t: 'ask', n: 2 }] }]);
    send({ t: 'ask', n: 3 });
    expect(sent.slice(1)).toEqual([{ t: 'ask', n: 3 }]);
    send({ t: 'tell', n: 4 });
    await nextTurn();
    await nextTurn();
    expect(sent.slice(2)).toEqual([{ t: 'tell', n: 4 }]);
  });

  it('hands a message that came alone through as it is', () => {
    const alone: Message = { t: 'tell', n: 7 };
    expect(unbatch(alone)).toEqual([alone]);
  });
});
