package io.geo.router.state;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link StateMachineWorker} in a fresh JVM with this JVM's classpath and module flags. */
final class ChildJvm
{
    private ChildJvm()
    {
    }

    /**
     * @param workingDirectory the child's working directory
     * @param inheritProperties whether to pass on this JVM's {@code -D} settings (the module flags always pass)
     * @param jvmArgs           more JVM arguments
     * @param stderr            where the child's standard error goes
     */
    static Process start(
        final Path workingDirectory, final boolean inheritProperties, final List<String> jvmArgs, final Path stderr,
        final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            final boolean moduleFlag = arg.startsWith("--add-");
            final boolean property = arg.startsWith("-D") && !arg.startsWith("-Djava.io.tmpdir=") &&
                !arg.startsWith("-Duser.home=");
            if (moduleFlag || (property && inheritProperties))
            {
                command.add(arg);
            }
        }
        command.add("-XX:-UsePerfData");
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(StateMachineWorker.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectError(stderr.toFile())
            .start();
    }

    /** The child runs elsewhere: relative classpath entries would not resolve there. */
    private static String absoluteClassPath()
    {
        final StringBuilder classPath = new StringBuilder();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (!entry.isEmpty())
            {
                classPath.append(classPath.length() == 0 ? "" : File.pathSeparator)
                    .append(Path.of(entry).toAbsolutePath());
            }
        }
        return classPath.toString();
    }
}
