package io.geo.router.cli;

/** A bad command-line value: printed as one line, exit code 2, never a stack trace. */
final class UsageException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    UsageException(final String message)
    {
        super(message);
    }
}
