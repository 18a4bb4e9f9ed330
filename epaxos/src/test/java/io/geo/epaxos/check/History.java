package io.geo.epaxos.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * An append-only client history: events in real-time order. Not thread-safe.
 * <p>
 * {@link #add} keeps the history well formed, so the checker and outside tools can rely on it: times never go
 * backwards, a process has at most one outstanding operation, and a completion matches its process's outstanding
 * invoke (same function and key; for a batch, the same ops in order). Operations still outstanding at the end are
 * treated by the checker like {@code info} ones.
 */
public final class History
{
    private final ArrayList<HistoryEvent> events = new ArrayList<>();
    private final List<HistoryEvent> eventsView = Collections.unmodifiableList(events);
    // Looked up by process only, never iterated, so its order cannot leak into behaviour.
    private final HashMap<Long, HistoryEvent> outstandingInvokeByProcess = new HashMap<>();

    /**
     * Append an event.
     *
     * @param event the next event in real time.
     * @return this history.
     * @throws IllegalArgumentException if the event would make the history malformed (see the class comment); the
     *                                  history is then unchanged.
     */
    public History add(final HistoryEvent event)
    {
        Objects.requireNonNull(event, "event");
        if (!events.isEmpty())
        {
            final long lastTimeNs = events.get(events.size() - 1).timeNs();
            if (event.timeNs() < lastTimeNs)
            {
                throw new IllegalArgumentException(
                    "time goes backwards: " + event.timeNs() + " after " + lastTimeNs + " in " + event);
            }
        }

        final HistoryEvent outstanding = outstandingInvokeByProcess.get(event.process());
        if (event.type() == HistoryEvent.Type.INVOKE)
        {
            if (outstanding != null)
            {
                throw new IllegalArgumentException("process " + event.process() + " invoked while its operation" +
                    " invoked at time " + outstanding.timeNs() + " is outstanding: " + event);
            }
            outstandingInvokeByProcess.put(event.process(), event);
        }
        else
        {
            if (outstanding == null)
            {
                throw new IllegalArgumentException(
                    "completion of process " + event.process() + " without an outstanding invoke: " + event);
            }
            checkCompletionMatches(outstanding, event);
            outstandingInvokeByProcess.remove(event.process());
        }
        events.add(event);
        return this;
    }

    private static void checkCompletionMatches(final HistoryEvent invoke, final HistoryEvent completion)
    {
        if (invoke.f() != completion.f() || !Objects.equals(invoke.key(), completion.key()))
        {
            throw new IllegalArgumentException("completion " + completion + " does not match invoke " + invoke);
        }
        final List<BatchOp> invokeOps = invoke.ops();
        final List<BatchOp> completionOps = completion.ops();
        if (completionOps.isEmpty())
        {
            return;
        }
        if (invokeOps.size() != completionOps.size())
        {
            throw new IllegalArgumentException("batch completion has " + completionOps.size() + " ops, invoke had " +
                invokeOps.size() + ": " + completion);
        }
        for (int i = 0; i < invokeOps.size(); i++)
        {
            final BatchOp invoked = invokeOps.get(i);
            final BatchOp completed = completionOps.get(i);
            if (invoked.f() != completed.f() || !invoked.key().equals(completed.key()))
            {
                throw new IllegalArgumentException("batch completion op " + i + " " + completed +
                    " does not match invoked op " + invoked);
            }
        }
    }

    /** The events in the order added (an unmodifiable live view). */
    public List<HistoryEvent> events()
    {
        return eventsView;
    }

    public int size()
    {
        return events.size();
    }

    /**
     * Write one JSON object per event, each followed by {@code '\n'}, then flush. Does not close the writer. Use a
     * UTF-8 writer: non-ASCII characters are written as they are.
     *
     * @param writer where to write.
     * @throws IOException from the writer.
     */
    public void writeJsonLines(final Writer writer) throws IOException
    {
        final StringBuilder line = new StringBuilder(256);
        for (final HistoryEvent event : events)
        {
            line.setLength(0);
            HistoryJson.appendEvent(line, event).append('\n');
            writer.append(line);
        }
        writer.flush();
    }

    /**
     * Read a history written by {@link #writeJsonLines} or by any tool following docs/history-format.md. Blank lines
     * are skipped; unknown fields are ignored. Reads to the end; does not close the reader.
     *
     * @param reader the JSON lines (decode as UTF-8).
     * @return the history.
     * @throws HistoryFormatException naming the line number if a line is not a valid event or would make the history
     *                                malformed.
     * @throws IOException            from the reader.
     */
    public static History readJsonLines(final Reader reader) throws IOException
    {
        final BufferedReader lines = reader instanceof BufferedReader ?
            (BufferedReader)reader : new BufferedReader(reader);
        final History history = new History();
        int lineNumber = 0;
        String line;
        while ((line = lines.readLine()) != null)
        {
            lineNumber++;
            if (line.isBlank())
            {
                continue;
            }
            final HistoryEvent event = HistoryJson.parseEvent(line, lineNumber);
            try
            {
                history.add(event);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new HistoryFormatException(lineNumber, 0, ex.getMessage());
            }
        }
        return history;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof History && events.equals(((History)o).events);
    }

    @Override
    public int hashCode()
    {
        return events.hashCode();
    }

    @Override
    public String toString()
    {
        return "History{" + events.size() + " events}";
    }
}
