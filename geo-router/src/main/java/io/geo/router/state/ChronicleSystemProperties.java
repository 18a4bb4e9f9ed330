package io.geo.router.state;

/**
 * System properties that must be set before any Chronicle class initialises. The launcher and the test forks pass
 * them on the command line too; setting them here as well means an embedding application that forgot the flags
 * still never phones home.
 */
final class ChronicleSystemProperties
{
    /** chronicle-core's usage analytics posts events to an outside service: never allowed here. */
    static final String ANALYTICS_DISABLE = "chronicle.analytics.disable";
    /** The start-up banner. */
    static final String ANNOUNCER_DISABLE = "chronicle.announcer.disable";
    /**
     * Where JNA (loaded by Chronicle's thread-affinity helper) unpacks its native library. Its default is
     * {@code ~/.cache/JNA/temp}, a directory in the user's home; unless the operator chose a place, use the JVM's
     * temporary directory like every other unpacked native library.
     */
    static final String JNA_TMPDIR = "jna.tmpdir";

    /** slf4j-simple's default level. */
    static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private ChronicleSystemProperties()
    {
    }

    static void apply()
    {
        System.setProperty(ANALYTICS_DISABLE, "true");
        System.setProperty(ANNOUNCER_DISABLE, "true");
        // Chronicle logs through SLF4J (bound to slf4j-simple): warnings and errors only, unless the user chose.
        if (System.getProperty(SIMPLE_LOGGER_LEVEL) == null)
        {
            System.setProperty(SIMPLE_LOGGER_LEVEL, "warn");
        }
        if (System.getProperty(JNA_TMPDIR) == null)
        {
            System.setProperty(JNA_TMPDIR, System.getProperty("java.io.tmpdir"));
        }
    }
}
