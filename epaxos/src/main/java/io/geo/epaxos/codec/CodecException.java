package io.geo.epaxos.codec;

/**
 * A message could not be encoded (it exceeds a limit of {@link MessageCodec}, breaks an invariant such as sorted deps,
 * or does not fit the buffer) or a frame could not be decoded (truncated, oversized or malformed). Decoding a frame
 * from the network never fails in any other way, so a receiver can drop the frame, count it and carry on.
 */
public final class CodecException extends Exception
{
    private static final long serialVersionUID = 1L;

    public CodecException(final String message)
    {
        super(message);
    }

    public CodecException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
