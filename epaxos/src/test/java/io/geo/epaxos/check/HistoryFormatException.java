package io.geo.epaxos.check;

import java.io.IOException;

/** A JSON-lines history could not be read: the message names the line (1-based) and, where known, the column. */
public final class HistoryFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int lineNumber;

    /**
     * @param lineNumber 1-based line of the offending event.
     * @param column     1-based column of the error, or 0 when the whole line is at fault.
     * @param reason     what is wrong.
     */
    public HistoryFormatException(final int lineNumber, final int column, final String reason)
    {
        super("line " + lineNumber + (column > 0 ? ", column " + column : "") + ": " + reason);
        this.lineNumber = lineNumber;
    }

    /** The 1-based line of the offending event. */
    public int lineNumber()
    {
        return lineNumber;
    }
}
