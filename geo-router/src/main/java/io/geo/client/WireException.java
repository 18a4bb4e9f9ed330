package io.geo.client;

/** A frame that breaks the client protocol: truncated, oversized, unknown type or malformed field. */
public final class WireException extends Exception
{
    private static final long serialVersionUID = 1L;

    public WireException(final String message)
    {
        super(message);
    }
}
