"""The background sender shared by experiment runs and the prediction logger (no server needed)."""
import threading
import time
import unittest

from support import driftwatch


class Recorder(object):
    """Records batches and answers each with the next scripted outcome (True: done, False: keep)."""

    def __init__(self, outcomes=()):
        self.batches = []
        self.outcomes = list(outcomes)
        self.in_flight = 0
        self.overlapped = False
        self.lock = threading.Lock()

    def send(self, batch):
        with self.lock:
            self.in_flight += 1
            self.overlapped = self.overlapped or self.in_flight > 1
        self.batches.append(list(batch))
        time.sleep(0.005)
        with self.lock:
            self.in_flight -= 1
        return self.outcomes.pop(0) if self.outcomes else True


class BatchSenderTest(unittest.TestCase):
    def test_full_batches_then_the_rest_on_flush_in_order_one_at_a_time(self):
        r = Recorder()
        sender = driftwatch._BatchSender(r.send, 3, 60.0, 'test-sender')
        for i in range(8):
            sender.push(i)
        self.assertTrue(sender.flush(5))
        self.assertEqual([x for b in r.batches for x in b], list(range(8)))
        self.assertTrue(all(len(b) <= 3 for b in r.batches))
        self.assertFalse(r.overlapped)
        self.assertEqual(sender.queued, 0)
        sender.close(5)

    def test_a_partial_batch_goes_after_the_interval(self):
        r = Recorder()
        sender = driftwatch._BatchSender(r.send, 100, 0.05, 'test-sender')
        sender.push(1)
        sender.push(2)
        time.sleep(0.5)
        self.assertEqual(r.batches, [[1, 2]])
        sender.close(5)

    def test_a_kept_batch_is_sent_again_unchanged_first_at_the_next_flush(self):
        release = threading.Event()
        r = Recorder([False])
        first_send = r.send

        def send(batch):
            release.wait(5)
            return first_send(batch)

        sender = driftwatch._BatchSender(send, 2, 60.0, 'test-sender')
        sender.push(1)
        sender.push(2)  # a full batch: the thread takes [1, 2] and waits in send
        sender.push(3)
        release.set()
        deadline = time.monotonic() + 5
        while not r.batches and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        # kept: nothing more is sent until the next flush, and nothing is lost
        self.assertEqual(r.batches, [[1, 2]])
        self.assertEqual(sender.queued, 3)
        self.assertTrue(sender.flush(5))
        self.assertEqual(r.batches, [[1, 2], [1, 2], [3]])
        self.assertEqual(sender.queued, 0)
        sender.close(5)

    def test_the_sender_it_comes_after_is_flushed_before_each_batch(self):
        order = []
        first = driftwatch._BatchSender(lambda b: order.extend(b) or True, 10, 60.0, 'first')
        second = driftwatch._BatchSender(lambda b: order.extend(b) or True, 1, 60.0, 'second', after=first)
        first.push('prediction')
        second.push('label')
        self.assertTrue(second.flush(5))
        self.assertEqual(order, ['prediction', 'label'])
        first.close(5)
        second.close(5)

    def test_flush_without_anything_queued_returns_at_once(self):
        sender = driftwatch._BatchSender(Recorder().send, 10, 60.0, 'test-sender')
        self.assertTrue(sender.flush(0.1))
        self.assertTrue(sender.close(0.1))


if __name__ == '__main__':
    unittest.main()
