package io.geo.bench;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.primitives.Ballot;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * SBE encode and decode of one PreAccept frame (one PUT: 16-byte key, 16-byte value; three deps, one per leader)
 * into and from a direct {@link UnsafeBuffer}, the way a Publisher and an Adapter would use {@link MessageCodec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CodecBenchmark
{
    private static final int BUFFER_BYTES = 4096;

    private final MessageCodec codec = new MessageCodec();
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_BYTES, 64));
    private final UnsafeBuffer decodeBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_BYTES, 64));
    private PreAccept message;
    private int frameLength;

    @Setup(Level.Trial)
    public void encodeOnce() throws CodecException
    {
        final byte[] value = "value-0123456789".getBytes(StandardCharsets.UTF_8);
        final Command command = Command.of(42, 7, Op.put(Key.of("key-000000123456"), value));
        final long[] deps = {InstanceId.of(0, 123_400), InstanceId.of(1, 99), InstanceId.of(2, 5_000)};
        message = new PreAccept(Ballot.initial(0), InstanceId.of(0, 123_456), command, 17, deps);
        frameLength = codec.encode(0, message, decodeBuffer, 0);
        final MessageCodec.Decoded decoded = codec.decode(decodeBuffer, 0, frameLength);
        final PreAccept back = (PreAccept)decoded.message();
        if (decoded.fromReplica() != 0 || back.instance() != message.instance() ||
            !back.command().equals(command) || !Arrays.equals(back.deps(), deps))
        {
            throw new IllegalStateException("PreAccept does not survive an encode/decode round trip: " + back);
        }
        System.out.printf("%nPreAccept frame: %d bytes%n", frameLength);
    }

    @Benchmark
    public int encodePreAccept() throws CodecException
    {
        return codec.encode(0, message, encodeBuffer, 0);
    }

    @Benchmark
    public MessageCodec.Decoded decodePreAccept() throws CodecException
    {
        return codec.decode(decodeBuffer, 0, frameLength);
    }
}
