package io.geo.wan;

/**
 * A WAN profile could not be found, read or validated. The message is one line meant for a person, in the form
 * {@code <file>:<line>: <what is wrong, quoting the bad value>} when a line is at fault, {@code <file>: <what>} when
 * the file as a whole is (a missing pair, an unreadable file), or just {@code <what>} when no file is involved
 * (an unknown region name passed to {@link WanProfile#regionIndex(String)}). Tools print {@link #getMessage()}
 * and exit; a stack trace adds nothing for a typo in a profile.
 */
public final class WanProfileException extends Exception
{
    private static final long serialVersionUID = 1L;

    /** Line number meaning "not about one line". */
    public static final int NO_LINE = 0;

    private final String file;
    private final int lineNumber;

    /**
     * @param file       the profile file as the user named it, or null when no file is involved.
     * @param lineNumber the 1-based line at fault, or {@link #NO_LINE}.
     * @param detail     what is wrong, quoting the bad value.
     */
    public WanProfileException(final String file, final int lineNumber, final String detail)
    {
        this(file, lineNumber, detail, null);
    }

    /**
     * @param file       the profile file as the user named it, or null when no file is involved.
     * @param lineNumber the 1-based line at fault, or {@link #NO_LINE}.
     * @param detail     what is wrong, quoting the bad value.
     * @param cause      the underlying failure (an I/O error), or null.
     */
    public WanProfileException(final String file, final int lineNumber, final String detail, final Throwable cause)
    {
        super(format(file, lineNumber, detail), cause);
        this.file = file;
        this.lineNumber = lineNumber;
    }

    /** The profile file as the user named it, or null when no file is involved. */
    public String file()
    {
        return file;
    }

    /** The 1-based line at fault, or {@link #NO_LINE} when the error is not about one line. */
    public int lineNumber()
    {
        return lineNumber;
    }

    private static String format(final String file, final int lineNumber, final String detail)
    {
        if (null == file)
        {
            return detail;
        }

        return lineNumber > NO_LINE ? file + ":" + lineNumber + ": " + detail : file + ": " + detail;
    }
}
