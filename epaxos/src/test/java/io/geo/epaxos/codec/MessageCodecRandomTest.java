package io.geo.epaxos.codec;

import io.geo.epaxos.messages.Message;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static io.geo.epaxos.codec.MessageAssertions.assertMessageEquals;
import static io.geo.epaxos.codec.MessageAssertions.assertSameBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeded random round trips. A failure names the seed and the message index; replay with {@code -Dseed=N}.
 */
class MessageCodecRandomTest
{
    static final long SEED = Long.getLong("seed", 20_261_122L);
    private static final int MESSAGES = 5_000;

    private final MessageCodec sender = new MessageCodec();
    private final MessageCodec receiver = new MessageCodec();

    @Test
    void shouldRoundTripRandomMessages() throws CodecException
    {
        final RandomMessages messages = new RandomMessages(SEED);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final ExpandableArrayBuffer reencoded = new ExpandableArrayBuffer(4096);
        for (int i = 0; i < MESSAGES; i++)
        {
            final String context = "seed=" + SEED + " message=" + i;
            final Message message = messages.message();
            final int fromReplica = messages.replica();
            final int offset = messages.random().nextInt(64);

            final int length = sender.encode(fromReplica, message, buffer, offset);
            assertEquals(MessageCodec.encodedLength(message), length, context);

            final MessageCodec.Decoded decoded = receiver.decode(buffer, offset, length);
            assertEquals(fromReplica, decoded.fromReplica(), context);
            assertMessageEquals(message, decoded.message(), context);

            // One encoding per message: re-encoding what was decoded gives the same bytes.
            assertEquals(length, receiver.encode(decoded.fromReplica(), decoded.message(), reencoded, 0), context);
            assertSameBytes(buffer, offset, reencoded, 0, length, context);
        }
    }

    @Test
    void shouldDecodeAStreamOfFramesWrittenBackToBack() throws CodecException
    {
        final RandomMessages messages = new RandomMessages(SEED + 1);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1 << 16);
        final Message[] sent = new Message[500];
        final int[] offsets = new int[sent.length + 1];
        for (int i = 0; i < sent.length; i++)
        {
            sent[i] = messages.message();
            offsets[i + 1] = offsets[i] + sender.encode(i % 5, sent[i], buffer, offsets[i]);
        }
        for (int i = 0; i < sent.length; i++)
        {
            final MessageCodec.Decoded decoded = receiver.decode(buffer, offsets[i], offsets[i + 1] - offsets[i]);
            assertEquals(i % 5, decoded.fromReplica());
            assertMessageEquals(sent[i], decoded.message(), "seed=" + (SEED + 1) + " message=" + i);
        }
    }
}
