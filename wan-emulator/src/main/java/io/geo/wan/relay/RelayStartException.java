package io.geo.wan.relay;

/**
 * A relay could not start: an address was already in use or could not be bound. The message is one line naming the
 * address and the config line that gave it. Nothing of the relay is left open when this is thrown.
 */
public final class RelayStartException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the address and what went wrong.
     * @param cause   the underlying I/O failure, or null.
     */
    public RelayStartException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
