package io.geo.router.state;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The sizing a state directory was created with, in {@code layout.properties}. Chronicle Map files keep their
 * creation layout and the capacity checks depend on it, so reopening a directory with other sizing settings is
 * refused with an error naming the setting, rather than trusting numbers the files were not built for.
 */
final class ChronicleStateMachineLayout
{
    static final String FILE = "layout.properties";
    private static final String FORMAT_KEY = "format";
    private static final String FORMAT = "1";

    private ChronicleStateMachineLayout()
    {
    }

    /** Records the sizing of a new directory (before any map file exists), or checks it against the recorded one. */
    static void requireSame(final Path directory, final ChronicleStateMachineConfig config) throws IOException
    {
        final Path file = directory.resolve(FILE);
        final Map<String, String> configured = sizing(config);
        if (!Files.exists(file))
        {
            if (Files.exists(directory.resolve(ChronicleStateMachine.DATA_FILE)))
            {
                throw new IllegalStateException(directory + " holds map files but no " + FILE +
                    ": not a state directory of this version");
            }
            write(directory, file, configured);
            return;
        }
        final Properties stored = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            stored.load(reader);
        }
        if (!FORMAT.equals(stored.getProperty(FORMAT_KEY)))
        {
            throw new IllegalStateException(file + ": unknown format " + stored.getProperty(FORMAT_KEY));
        }
        for (final Map.Entry<String, String> e : configured.entrySet())
        {
            final String recorded = stored.getProperty(e.getKey());
            if (!e.getValue().equals(recorded))
            {
                throw new IllegalArgumentException(e.getKey() + ": configured " + e.getValue() + " but " + directory +
                    " was created with " + recorded + "; sizing is fixed when a directory is created: configure " +
                    recorded + " or use a new directory");
            }
        }
    }

    private static Map<String, String> sizing(final ChronicleStateMachineConfig config)
    {
        final Map<String, String> sizing = new LinkedHashMap<>();
        sizing.put("entries", Long.toString(config.entries()));
        sizing.put("averageKeyBytes", Integer.toString(config.averageKeyBytes()));
        sizing.put("averageValueBytes", Integer.toString(config.averageValueBytes()));
        sizing.put("sessions", Long.toString(config.sessions()));
        sizing.put("averageSessionRecordBytes", Integer.toString(config.averageSessionRecordBytes()));
        return sizing;
    }

    private static void write(final Path directory, final Path file, final Map<String, String> sizing)
        throws IOException
    {
        final Path temporary = directory.resolve(FILE + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8))
        {
            writer.write("# Sizing of this state directory, fixed at creation (see docs/state-machine.md).\n");
            writer.write(FORMAT_KEY + "=" + FORMAT + "\n");
            for (final Map.Entry<String, String> e : sizing.entrySet())
            {
                writer.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE))
        {
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
