package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.geo.router.state.StateTestSupport.assertSameData;
import static io.geo.router.state.StateTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real processes: a child JVM killed with SIGKILL while applying commands, and a child JVM whose home, working and
 * temporary directories are watched for files written outside the state directory.
 */
class ChronicleStateMachineProcessTest
{
    private static final int SEQUENCE_COMMANDS = 4_000;
    private static final long CHILD_TIMEOUT_SECONDS = 90;

    @TempDir
    Path tempDir;

    @Test
    @Timeout(300)
    void shouldRecoverToTheReferenceStateAfterKillDashNine() throws Exception
    {
        final long seed = Long.getLong("seed", 5);
        final SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 2; round++)
        {
            final Path directory = tempDir.resolve("killed-" + round);
            final Path stderr = tempDir.resolve("killed-" + round + ".err");
            final int killAfter = 200 + random.nextInt(SEQUENCE_COMMANDS / 2);
            final Process child = ChildJvm.start(tempDir, true, List.of(), stderr, "apply", directory.toString(),
                Long.toString(seed + round), Integer.toString(SEQUENCE_COMMANDS));
            final int reached = readUntil(child, killAfter, stderr);
            child.destroyForcibly();
            assertTrue(child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "child did not die");
            assertEquals(137, child.exitValue(), "killed by SIGKILL");
            assertTrue(reached >= killAfter, "the child applied " + reached + " commands");

            // What the replica does after the crash: re-apply commands it had not recorded as executed. Here every
            // command from the start: those already applied are answered from the dedup table and change nothing.
            final KeyValueStateMachine reference = new KeyValueStateMachine();
            final RandomCommands commands = StateMachineWorker.sequence(seed + round, reference);
            try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
            {
                assertTrue(machine.openedAfterCrash());
                for (int i = 0; i < SEQUENCE_COMMANDS; i++)
                {
                    final Command command = commands.next();
                    reference.apply(i, command);
                    machine.apply(i, command);
                }
                final String context = "seed " + (seed + round) + ", killed after " + reached + " commands";
                assertSameData(reference.snapshot(), machine.snapshot(), context);
                assertEquals(reference.digest(), machine.digest(), context);
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldWriteNoFileOutsideTheStateDirectory() throws Exception
    {
        final Path home = Files.createDirectories(tempDir.resolve("home"));
        final Path work = Files.createDirectories(tempDir.resolve("work"));
        final Path tmp = Files.createDirectories(tempDir.resolve("tmp"));
        final Path directory = tempDir.resolve("state");
        final Path stderr = tempDir.resolve("files.err");
        // No -D settings from this JVM: the state machine must set the Chronicle properties itself.
        final Process child = ChildJvm.start(work, false,
            List.of("-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp), stderr, "files", directory.toString());
        final List<String> lines = readAll(child, stderr);
        assertTrue(lines.contains("property chronicle.analytics.disable=true"), lines::toString);
        assertTrue(lines.contains("property chronicle.announcer.disable=true"), lines::toString);
        assertTrue(lines.contains("property jna.tmpdir=" + tmp), lines::toString);

        assertEquals(Set.of(), regularFiles(home), "files written in the home directory");
        assertEquals(Set.of(), regularFiles(work), "files written in the working directory");
        assertEquals(Set.of(), regularFiles(tmp), "files left in the temporary directory");
        assertEquals(Set.of("clean", "data.cm", "layout.properties", "lock", "pending.cm", "sessions.cm"),
            names(directory));
    }

    @Test
    void shouldSetTheChroniclePropertiesAndKeepAnalyticsOffTheClasspath() throws IOException
    {
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(tempDir.resolve("here"))))
        {
            assertEquals("true", System.getProperty(ChronicleSystemProperties.ANALYTICS_DISABLE));
            assertEquals("true", System.getProperty(ChronicleSystemProperties.ANNOUNCER_DISABLE));
            final String jnaTmp = System.getProperty(ChronicleSystemProperties.JNA_TMPDIR);
            assertTrue(jnaTmp != null && !Path.of(jnaTmp).startsWith(Path.of(System.getProperty("user.home"), ".cache")),
                "jna.tmpdir=" + jnaTmp);
            assertEquals(Set.of("data.cm", "layout.properties", "lock", "pending.cm", "sessions.cm"),
                names(machine.directory()));
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.analytics.Analytics"));
    }

    /** Reads "applied N" lines until N reaches {@code target}; returns the last N. */
    private static int readUntil(final Process child, final int target, final Path stderr) throws IOException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
        final BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8));
        int applied = -1;
        String line;
        while (applied < target && (line = reader.readLine()) != null)
        {
            if (line.startsWith("applied "))
            {
                applied = Integer.parseInt(line.substring("applied ".length()));
            }
            if (System.nanoTime() > deadlineNs)
            {
                child.destroyForcibly();
                fail("child too slow: " + applied + " commands in " + CHILD_TIMEOUT_SECONDS + " s");
            }
        }
        if (applied < target)
        {
            fail("child ended after " + applied + " commands: " + Files.readString(stderr));
        }
        return applied;
    }

    private static List<String> readAll(final Process child, final Path stderr) throws Exception
    {
        final List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
            }
        }
        if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS))
        {
            child.destroyForcibly();
            fail("child did not finish");
        }
        assertEquals(0, child.exitValue(), () -> "child failed: " + lines + " " + readQuietly(stderr));
        assertTrue(lines.contains("done"), lines::toString);
        return lines;
    }

    private static String readQuietly(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    private static Set<String> regularFiles(final Path root) throws IOException
    {
        try (Stream<Path> files = Files.walk(root))
        {
            return files.filter(Files::isRegularFile).map(root::relativize).map(Path::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> names(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
