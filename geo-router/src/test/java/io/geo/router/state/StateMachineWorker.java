package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.state.KeyValueStateMachine;

import java.nio.file.Path;

import static io.geo.router.state.StateTestSupport.MAX_OPS;
import static io.geo.router.state.StateTestSupport.MAX_VALUE_BYTES;
import static io.geo.router.state.StateTestSupport.smallConfig;

/**
 * The child process of the real-process tests ({@link ChildJvm}). Modes:
 * <ul>
 *   <li>{@code apply DIR SEED COUNT}: applies the seeded sequence of {@link #sequence} to DIR, printing
 *   {@code applied N} after each command, until killed or done;</li>
 *   <li>{@code files DIR}: opens DIR, applies a few hundred commands, closes, and prints the Chronicle-related
 *   system properties as {@code property NAME=VALUE}.</li>
 * </ul>
 */
public final class StateMachineWorker
{
    private StateMachineWorker()
    {
    }

    /** The commands the kill test replays: session writes and reads, no session-less writes. */
    static RandomCommands sequence(final long seed, final KeyValueStateMachine reference)
    {
        return new RandomCommands(seed, reference, 64, 6, MAX_OPS, MAX_VALUE_BYTES, false);
    }

    public static void main(final String[] args) throws Exception
    {
        final Path directory = Path.of(args[1]);
        switch (args[0])
        {
            case "apply" ->
            {
                final long seed = Long.parseLong(args[2]);
                final int count = Integer.parseInt(args[3]);
                final KeyValueStateMachine reference = new KeyValueStateMachine();
                final RandomCommands commands = sequence(seed, reference);
                try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
                {
                    for (int i = 0; i < count; i++)
                    {
                        final Command command = commands.next();
                        reference.apply(i, command);
                        machine.apply(i, command);
                        System.out.println("applied " + i);
                        System.out.flush();
                    }
                }
                System.out.println("done");
            }
            case "files" ->
            {
                final KeyValueStateMachine reference = new KeyValueStateMachine();
                final RandomCommands commands = sequence(1, reference);
                try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
                {
                    for (int i = 0; i < 300; i++)
                    {
                        final Command command = commands.next();
                        reference.apply(i, command);
                        machine.apply(i, command);
                    }
                }
                for (final String name : new String[] {ChronicleSystemProperties.ANALYTICS_DISABLE,
                    ChronicleSystemProperties.ANNOUNCER_DISABLE, ChronicleSystemProperties.JNA_TMPDIR})
                {
                    System.out.println("property " + name + "=" + System.getProperty(name));
                }
                System.out.println("done");
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
