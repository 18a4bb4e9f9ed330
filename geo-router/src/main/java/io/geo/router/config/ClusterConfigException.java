package io.geo.router.config;

/**
 * A cluster config could not be read or validated. The message is one line meant for a person:
 * {@code <file>:<line>: <what is wrong, quoting the bad value>} when a line is at fault, or {@code <file>: <what>}
 * when the file as a whole is (a missing line, an unreadable file). A secret is never quoted. Tools print
 * {@link #getMessage()} and exit; a stack trace adds nothing for a typo in a config.
 */
public final class ClusterConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    /** Line number meaning "not about one line". */
    public static final int NO_LINE = 0;

    private final String file;
    private final int lineNumber;

    /**
     * @param file       the config file as the user named it.
     * @param lineNumber the 1-based line at fault, or {@link #NO_LINE}.
     * @param detail     what is wrong, quoting the bad value.
     */
    public ClusterConfigException(final String file, final int lineNumber, final String detail)
    {
        this(file, lineNumber, detail, null);
    }

    /**
     * @param file       the config file as the user named it.
     * @param lineNumber the 1-based line at fault, or {@link #NO_LINE}.
     * @param detail     what is wrong, quoting the bad value.
     * @param cause      the underlying failure, or null.
     */
    public ClusterConfigException(final String file, final int lineNumber, final String detail, final Throwable cause)
    {
        super(lineNumber > NO_LINE ? file + ":" + lineNumber + ": " + detail : file + ": " + detail, cause);
        this.file = file;
        this.lineNumber = lineNumber;
    }

    /** The config file as the user named it. */
    public String file()
    {
        return file;
    }

    /** The 1-based line at fault, or {@link #NO_LINE} when the error is not about one line. */
    public int lineNumber()
    {
        return lineNumber;
    }
}
